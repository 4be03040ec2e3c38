using System.Collections.Immutable;
using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CowAspire.Hosting.Orchestration;

/// <summary>
/// One replica of a resource and the process that runs it: started on request, restarted with backoff when it
/// crashes, given up on (FailedToStart) when it keeps crashing, stopped with SIGTERM and then SIGKILL.
/// </summary>
#pragma warning disable CA1001 // _run lives from a start to the next stop, which disposes it; the orchestrator stops every replica.
internal sealed class ResourceInstance
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
    private readonly ResourceLoggerService _logs;
    private readonly Lock _gate = new();
    // One start, stop or restart at a time (a dashboard action can meet Ctrl+C); the supervisor itself runs outside it.
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private bool _retired;
    private CancellationTokenSource? _run;
    private Task _supervisor = Task.CompletedTask;
    private Process? _process;
    // The last probe got an answer at all (a 503 included): the process serves, whatever its dependencies say.
    private bool _answers;
    private bool _wasHealthy;
    private string? _healthDescription;
    private IReadOnlyDictionary<string, string> _environment = new Dictionary<string, string>();

    internal ResourceInstance(
        IResource resource, int replica, ProcessSpecFactory specs, ProcessLauncher launcher, HealthProbe probe,
        ResourceLoggerService logs, Action<ResourceInstance> changed, Func<IReadOnlyDictionary<string, int>>? newPorts = null)
    {
        _newPorts = newPorts;
        Resource = resource;
        Replica = replica;
        Name = resource.GetReplicaCount() == 1 ? resource.Name : $"{resource.Name}-{replica}";
        _logs = logs;
        _specs = specs;
        _launcher = launcher;
        _probe = probe;
        _changed = changed;
        logs.Register(Name, resource.Name);
    }

    public IResource Resource { get; }

    public int Replica { get; }

    public string Name { get; }

    /// <summary>The ports this replica listens on, per endpoint name.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; private set; } = new Dictionary<string, int>();

    public string State { get; private set; } = KnownResourceStates.NotStarted;

    /// <summary>Null until probed, and whenever the process is not running.</summary>
    public HealthStatus? Health { get; private set; }

    public int? Pid { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public int Restarts { get; private set; }

    public int? ExitCode { get; private set; }

    public string? Message { get; private set; }

    /// <summary>
    /// Gets traffic from the front door: once healthy, for as long as it runs and answers, so a dependency that is down
    /// (Redis) does not take the page and open streams down with it; readiness and health are not the same thing.
    /// </summary>
    public bool IsServing => State == KnownResourceStates.Running && (Health == HealthStatus.Healthy || (_wasHealthy && _answers));

    /// <summary>
    /// Runs and was healthy in this run, whatever its last probe said: what the front door falls back on when no
    /// replica is serving, since a probe that timed out on busy cores says less than a reset says to a client.
    /// </summary>
    public bool HasServed => State == KnownResourceStates.Running && _wasHealthy;

    /// <summary>Sets the ports this replica listens on, per endpoint name, before it first starts.</summary>
    internal void AssignPorts(IReadOnlyDictionary<string, int> ports) => Ports = ports;

    public CustomResourceSnapshot ToSnapshot()
    {
        lock (_gate)
        {
            var endpoints = Resource.Annotations.OfType<EndpointAnnotation>().ToList();
            return new CustomResourceSnapshot
            {
                ResourceType = Resource switch
                {
                    ProjectResource => "Project",
                    _ => Resource.GetType().Name.Replace("Resource", "", StringComparison.Ordinal) is { Length: > 0 } type ? type : "Executable",
                },
                State = new ResourceStateSnapshot(State, StateStyle(State)),
                ExitCode = ExitCode,
                StartTimeStamp = StartedAt?.UtcDateTime,
                Properties =
                [
                    new(SnapshotProperties.Pid, Pid),
                    new(SnapshotProperties.ReplicaIndex, Replica),
                    new(SnapshotProperties.Restarts, Restarts),
                    new(SnapshotProperties.Message, Message),
                    .. Resource.Annotations.OfType<Aspire.Hosting.IProjectMetadata>().Select(p => new ResourcePropertySnapshot(SnapshotProperties.ProjectPath, p.ProjectPath)),
                ],
                Urls =
                [
                    .. endpoints.Where(e => e.AllocatedEndpoint is not null).Select(e => new UrlSnapshot(e.Name, e.AllocatedEndpoint!.UriString, IsInternal: false)),
                    .. endpoints.Where(e => Ports.ContainsKey(e.Name)).Select(e => new UrlSnapshot(e.Name, ReplicaUrl(e), IsInternal: true)),
                ],
                // What the AppHost set for the process (not what it inherits), as Aspire's snapshot has it: the
                // dashboard shows it masked, since connection strings and keys are among it.
                EnvironmentVariables = [.. _environment.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => new EnvironmentVariableSnapshot(v.Key, v.Value, IsFromSpec: true))],
                Relationships = [.. Resource.Annotations.OfType<ResourceRelationshipAnnotation>().Select(r => new RelationshipSnapshot(r.Resource.Name, r.Type)).Distinct()],
                HealthReports = HealthProbe.HasChecks(Resource)
                    ? [new HealthReportSnapshot(HealthProbe.Describe(Resource), State == KnownResourceStates.Running ? Health : null, _healthDescription, null)]
                    : ImmutableArray<HealthReportSnapshot>.Empty,
            };
        }
    }

    private static string? StateStyle(string state) =>
        state == KnownResourceStates.Running ? "success"
        : state == KnownResourceStates.FailedToStart || state == KnownResourceStates.Exited ? "error"
        : state == KnownResourceStates.Finished ? "info"
        : null;

    /// <summary>Where this replica itself listens on <paramref name="endpoint"/>, past the front door.</summary>
    internal string ReplicaUrl(EndpointAnnotation endpoint) => $"{endpoint.UriScheme}://127.0.0.1:{Ports[endpoint.Name]}";

    private void Log(string text, bool isError) => _logs.Write(Name, text, isError);

    internal void MarkFailedToStart(string message) => Update(() => (State, Message) = (KnownResourceStates.FailedToStart, message));

    internal void MarkWaiting(string message) => Update(() => (State, Message) = (KnownResourceStates.Waiting, message));

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
        Update(() => (State, Message) = (KnownResourceStates.Starting, null));
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
            Update(() => (State, Health, Message, ExitCode, _wasHealthy, _answers) = (KnownResourceStates.Starting, null, null, null, false, false));
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
                var spec = await _specs.CreateAsync(this, stop);
                Update(() => _environment = spec.Environment);
                process = await _launcher.StartAsync(spec.FileName, spec.Arguments, spec.WorkingDirectory, spec.Environment);
                if (spec.StandardInput is { } input)
                {
                    await process.StandardInput.WriteAsync(input);
                    process.StandardInput.Close();
                }
            }
            catch (Exception ex)
            {
                Log($"Could not start: {ex.Message}", isError: true);
                Update(() => (State, Message) = (KnownResourceStates.FailedToStart, ex.Message));
                return;
            }

            using (process)
            {
                process.OutputDataReceived += (_, e) => { if (e.Data is not null) Log(e.Data, isError: false); };
                process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Log(e.Data, isError: true); };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                _process = process;
                var startedAt = DateTimeOffset.UtcNow;
                Update(() => (State, Pid, StartedAt) = (KnownResourceStates.Running, process.Id, startedAt));

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
                    Update(() => (State, Health, ExitCode, Pid) = (KnownResourceStates.Finished, null, exitCode, null));
                    return;
                }

                if (exitCode == 0)
                {
                    // A process that ends with success has done its work (a migration, say): it is not restarted,
                    // and what waits for its completion may start.
                    Log("Exited with code 0.", isError: false);
                    Update(() => (State, Health, ExitCode, Pid) = (KnownResourceStates.Finished, null, exitCode, null));
                    return;
                }
                crashes = DateTimeOffset.UtcNow - startedAt < StableAfter ? crashes + 1 : 1;
                Log($"Exited with code {exitCode}.", isError: true);
                if (crashes >= MaxCrashes)
                {
                    Update(() => (State, Health, ExitCode, Pid, Message) = (KnownResourceStates.FailedToStart, null, exitCode, null,
                        $"Exited {crashes} times in a row within {StableAfter.TotalSeconds:0} s of starting (last exit code {exitCode}); not restarted."));
                    return;
                }

                var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, crashes - 1)));
                Update(() => (State, Health, ExitCode, Pid, Message) = (KnownResourceStates.Exited, null, exitCode, null,
                    $"Exited with code {exitCode}; restarting in {backoff.TotalSeconds:0.##} s."));
                try
                {
                    await Task.Delay(backoff, stop);
                }
                catch (OperationCanceledException)
                {
                    Update(() => State = KnownResourceStates.Finished);
                    return;
                }
                Update(() => Restarts++);
            }
        }
    }

    private async Task TerminateAsync(Process process, Task exited)
    {
        Update(() => State = KnownResourceStates.Stopping);
        ProcessLauncher.Terminate(process);
        if (await Task.WhenAny(exited, Task.Delay(StopGrace)) != exited)
        {
            Log($"Did not stop within {StopGrace.TotalSeconds:0} s of SIGTERM; killed.", isError: true);
            ProcessLauncher.Kill(process);
        }
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var result = await _probe.CheckAsync(this, cancellationToken);
                var healthy = result.Status == HealthStatus.Healthy;
                if ((result.Status != Health || result.Answers != _answers || result.Description != _healthDescription) && State == KnownResourceStates.Running)
                {
                    Update(() => (Health, _answers, _healthDescription, _wasHealthy) = (result.Status, result.Answers, result.Description, _wasHealthy || healthy));
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
