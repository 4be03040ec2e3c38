using System.Diagnostics;
using CowAspire.AppHost.Hosting;

namespace CowAspire.AppHost.Orchestration;

/// <summary>
/// One replica of a resource and the process that runs it: started on request, restarted with backoff when it
/// crashes, given up on (FailedToStart) when it keeps crashing, stopped with SIGTERM and then SIGKILL.
/// </summary>
#pragma warning disable CA1001 // _run lives from a start to the next stop, which disposes it; the orchestrator stops every replica.
public sealed class ResourceInstance
#pragma warning restore CA1001
{
    /// <summary>Crashes in a row, each soon after a start, after which the orchestrator stops restarting.</summary>
    public const int MaxCrashes = 5;

    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly ProcessSpecFactory _specs;
    private readonly Func<IReadOnlyDictionary<string, int>>? _newPorts;
    private readonly ProcessLauncher _launcher;
    private readonly HealthProbe _probe;
    private readonly Action<ResourceInstance> _changed;
    private readonly Lock _gate = new();
    // One start, stop or restart at a time (a dashboard action can meet Ctrl+C); the supervisor itself runs outside it.
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private bool _retired;
    private CancellationTokenSource? _run;
    private Task _supervisor = Task.CompletedTask;
    private Process? _process;

    internal ResourceInstance(
        Resource resource, int replica, IReadOnlyDictionary<string, int> ports,
        ProcessSpecFactory specs, ProcessLauncher launcher, HealthProbe probe, Action<LogLine> logSink, Action<ResourceInstance> changed,
        Func<IReadOnlyDictionary<string, int>>? newPorts = null)
    {
        _newPorts = newPorts;
        Resource = resource;
        Replica = replica;
        Name = resource.Replicas == 1 ? resource.Name : $"{resource.Name}-{replica}";
        Ports = ports;
        Logs = new ResourceLogs(Name, logSink);
        _specs = specs;
        _launcher = launcher;
        _probe = probe;
        _changed = changed;
    }

    public Resource Resource { get; }

    public int Replica { get; }

    public string Name { get; }

    /// <summary>The ports this replica listens on, per endpoint name.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; private set; }

    public ResourceLogs Logs { get; }

    public ResourceState State { get; private set; } = ResourceState.NotStarted;

    public HealthStatus Health { get; private set; } = HealthStatus.Unknown;

    public int? Pid { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public int Restarts { get; private set; }

    public int? ExitCode { get; private set; }

    public string? Message { get; private set; }

    /// <summary>Ready for traffic: the front door sends connections only to such replicas.</summary>
    public bool IsServing => State == ResourceState.Running && Health == HealthStatus.Healthy;

    public ResourceSnapshot Snapshot() => new(
        Name, Resource.Name, Resource.Type, Replica, State, Health, Pid, StartedAt, Restarts, ExitCode,
        [.. Resource.Endpoints.Select(e => new EndpointSnapshot(e.Name, e.Url, ReplicaUrl(e)))],
        Message);

    /// <summary>Where this replica itself listens on <paramref name="endpointName"/>, past the front door.</summary>
    public Uri ReplicaUri(string endpointName) => new(ReplicaUrl(Resource.GetEndpoint(endpointName)));

    internal string ReplicaUrl(EndpointAnnotation endpoint) => $"{endpoint.Scheme}://{endpoint.Host}:{Ports[endpoint.Name]}";

    internal void MarkWaiting(string message) => Update(() => (State, Message) = (ResourceState.Waiting, message));

    /// <summary>Starts the process, unless it is already running or starting.</summary>
    /// <exception cref="InvalidOperationException">The app is shutting down.</exception>
    public async Task StartAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            StartCore();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops the process (SIGTERM, then SIGKILL after a grace period) and waits until it is gone.</summary>
    /// <param name="retire">For the app's shutdown: no start is accepted afterwards.</param>
    public async Task StopAsync(bool retire = false)
    {
        await _lifecycle.WaitAsync();
        try
        {
            _retired |= retire;
            await StopCoreAsync();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async Task RestartAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            await StopCoreAsync();
            Update(() => Restarts++);
            StartCore();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private void StartCore()
    {
        if (_retired)
        {
            throw new InvalidOperationException($"'{Name}' cannot start: the app is shutting down.");
        }
        if (_run is not null && !_supervisor.IsCompleted)
        {
            return;
        }
        // A supervisor that gave up (FailedToStart) has ended; its token source goes with it.
        _run?.Dispose();
        // Starting from now, not from when the supervisor gets a thread: a waiter must not see the old state.
        Update(() => (State, Message) = (ResourceState.Starting, null));
        _run = new CancellationTokenSource();
        var token = _run.Token;
        _supervisor = Task.Run(() => SuperviseAsync(token), CancellationToken.None);
    }

    private async Task StopCoreAsync()
    {
        if (_run is null)
        {
            return;
        }
        await _run.CancelAsync();
        await _supervisor;
        _run.Dispose();
        _run = null;
    }

    /// <summary>SIGKILL, as a crash would: the supervisor sees an unexpected exit and restarts it.</summary>
    public void Kill()
    {
        if (_process is { } process)
        {
            ProcessLauncher.Kill(process);
        }
    }

    private async Task SuperviseAsync(CancellationToken stop)
    {
        var crashes = 0;
        while (!stop.IsCancellationRequested)
        {
            Update(() => (State, Health, Message, ExitCode) = (ResourceState.Starting, HealthStatus.Unknown, null, null));
            Process process;
            try
            {
                if (_newPorts is not null && Restarts > 0)
                {
                    // Behind a front door a replica's own ports are private, so each start takes fresh ones: a port
                    // another process took meanwhile cannot keep the replica from coming back.
                    var ports = _newPorts();
                    Update(() => Ports = ports);
                }
                var spec = _specs.Create(this);
                process = await _launcher.StartAsync(spec.FileName, spec.Arguments, spec.WorkingDirectory, spec.Environment);
                if (spec.StandardInput is { } input)
                {
                    await process.StandardInput.WriteAsync(input);
                    process.StandardInput.Close();
                }
            }
            catch (Exception ex)
            {
                Logs.Write($"Could not start: {ex.Message}", isError: true);
                Update(() => (State, Message) = (ResourceState.FailedToStart, ex.Message));
                return;
            }

            using (process)
            {
                process.OutputDataReceived += (_, e) => { if (e.Data is not null) Logs.Write(e.Data, isError: false); };
                process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Logs.Write(e.Data, isError: true); };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                _process = process;
                var startedAt = DateTimeOffset.UtcNow;
                Update(() => (State, Pid, StartedAt) = (ResourceState.Running, process.Id, startedAt));

                using var probing = CancellationTokenSource.CreateLinkedTokenSource(stop);
                var probe = ProbeAsync(probing.Token);
                var exited = process.WaitForExitAsync(CancellationToken.None);
                var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using (stop.Register(() => stopRequested.TrySetResult()))
                {
                    await Task.WhenAny(exited, stopRequested.Task);
                }

                if (stop.IsCancellationRequested && !exited.IsCompleted)
                {
                    await TerminateAsync(process, exited);
                }
                await exited;
                await probing.CancelAsync();
                await probe;
                _process = null;

                var exitCode = process.ExitCode;
                if (stop.IsCancellationRequested)
                {
                    Update(() => (State, Health, ExitCode, Pid) = (ResourceState.Finished, HealthStatus.Unknown, exitCode, null));
                    return;
                }

                crashes = DateTimeOffset.UtcNow - startedAt < StableAfter ? crashes + 1 : 1;
                Logs.Write($"Exited with code {exitCode}.", isError: true);
                if (crashes >= MaxCrashes)
                {
                    Update(() => (State, Health, ExitCode, Pid, Message) = (ResourceState.FailedToStart, HealthStatus.Unknown, exitCode, null,
                        $"Exited {crashes} times in a row within {StableAfter.TotalSeconds:0} s of starting (last exit code {exitCode}); not restarted."));
                    return;
                }

                var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, crashes - 1)));
                Update(() => (State, Health, ExitCode, Pid, Message) = (ResourceState.Exited, HealthStatus.Unknown, exitCode, null,
                    $"Exited with code {exitCode}; restarting in {backoff.TotalSeconds:0.##} s."));
                try
                {
                    await Task.Delay(backoff, stop);
                }
                catch (OperationCanceledException)
                {
                    Update(() => State = ResourceState.Finished);
                    return;
                }
                Update(() => Restarts++);
            }
        }
    }

    private async Task TerminateAsync(Process process, Task exited)
    {
        Update(() => State = ResourceState.Stopping);
        ProcessLauncher.Terminate(process);
        if (await Task.WhenAny(exited, Task.Delay(StopGrace)) != exited)
        {
            Logs.Write($"Did not stop within {StopGrace.TotalSeconds:0} s of SIGTERM; killed.", isError: true);
            ProcessLauncher.Kill(process);
        }
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var healthy = await _probe.CheckAsync(this, cancellationToken);
                var health = healthy ? HealthStatus.Healthy : HealthStatus.Unhealthy;
                if (health != Health && State == ResourceState.Running)
                {
                    Update(() => Health = health);
                }
                // Quick until the first healthy answer, so dependents start soon; then once a second.
                await Task.Delay(healthy ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(100), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Update(Action change)
    {
        lock (_gate)
        {
            change();
        }
        _changed(this);
    }
}
