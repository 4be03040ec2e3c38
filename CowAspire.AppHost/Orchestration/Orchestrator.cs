using CowAspire.AppHost.Dashboard;
using CowAspire.AppHost.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CowAspire.AppHost.Orchestration;

/// <summary>
/// Runs the app model: allocates ports, opens front doors for replicated endpoints, starts each resource once
/// what it waits for is healthy, announces readiness, and on shutdown stops resources in reverse dependency order.
/// </summary>
public sealed class Orchestrator : IHostedService, IAsyncDisposable
{
    private readonly AppModel _model;
    private readonly ProcessSpecFactory _specs;
    private readonly ProcessLauncher _launcher = new();
    private readonly HealthProbe _probe = new();
    private readonly ResourceConsole _console = new();
    private readonly DashboardInfo _dashboard;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<Orchestrator> _logger;
    private readonly List<ResourceInstance> _instances = [];
    private readonly List<FrontDoor> _frontDoors = [];
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Watchers<ResourceSnapshot> _watchers = new(1024);
    private Task _startup = Task.CompletedTask;
    private Task _announce = Task.CompletedTask;
    private int _stopped;
    private int _disposed;

    internal Orchestrator(
        AppModel model, ProcessSpecFactory specs, DashboardInfo dashboard, IHostApplicationLifetime lifetime, ILogger<Orchestrator> logger)
    {
        _model = model;
        _specs = specs;
        _dashboard = dashboard;
        _lifetime = lifetime;
        _logger = logger;
    }

    /// <summary>Every line any resource writes, for a test's output.</summary>
    public event Action<LogLine>? LogWritten;

    public IReadOnlyList<ResourceInstance> Instances => _instances;

    public IReadOnlyList<Resource> Resources => _model.StartOrder;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var resource in _model.StartOrder)
        {
            var replicaPorts = AllocateEndpoints(resource);
            if (resource is RedisResource { ExternalConnectionString: not null })
            {
                continue;
            }
            for (var replica = 0; replica < resource.Replicas; replica++)
            {
                _instances.Add(new ResourceInstance(resource, replica, replicaPorts[replica], _specs, _launcher, _probe, OnLog, Notify,
                    resource.Endpoints.TrueForAll(e => e.IsProxied) ? () => resource.Endpoints.ToDictionary(e => e.Name, _ => PortAllocator.FreePort()) : null));
            }
        }
        foreach (var door in _frontDoors)
        {
            door.Open();
        }
        _startup = Task.Run(() => StartInOrderAsync(_shutdown.Token), CancellationToken.None);
        _announce = Task.Run(() => AnnounceReadyAsync(_shutdown.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        await _shutdown.CancelAsync();
        await Task.WhenAll(_startup, _announce);
        foreach (var resource in _model.StartOrder.Reverse())
        {
            await Task.WhenAll(InstancesOf(resource).Select(i => i.StopAsync(retire: true)));
        }
        foreach (var door in _frontDoors)
        {
            await door.DisposeAsync();
        }
        _frontDoors.Clear();
    }

    public IReadOnlyList<ResourceInstance> Find(string name)
    {
        var found = _instances.Where(i => i.Name == name || i.Resource.Name == name).ToArray();
        return found.Length > 0 ? found : throw new KeyNotFoundException($"No resource or replica is named '{name}'.");
    }

    public Task StartResourceAsync(string name) => Task.WhenAll(Find(name).Select(i => i.StartAsync()));

    public Task StopResourceAsync(string name) => Task.WhenAll(Find(name).Select(i => i.StopAsync()));

    public Task RestartResourceAsync(string name) => Task.WhenAll(Find(name).Select(i => i.RestartAsync()));

    public IReadOnlyList<ResourceSnapshot> Snapshot() => [.. _instances.Select(i => i.Snapshot())];

    /// <summary>Every replica's snapshot now, then each change as it happens.</summary>
    public IAsyncEnumerable<ResourceSnapshot> WatchAsync(CancellationToken cancellationToken) =>
        _watchers.WatchAsync(Snapshot, cancellationToken);

    private List<Dictionary<string, int>> AllocateEndpoints(Resource resource)
    {
        var replicaPorts = Enumerable.Range(0, resource.Replicas).Select(_ => new Dictionary<string, int>()).ToList();
        foreach (var endpoint in resource.Endpoints)
        {
            var fixedPort = _model.Options.RandomizePorts ? null : endpoint.Port;
            if (endpoint.IsProxied)
            {
                var door = new FrontDoor(endpoint, fixedPort ?? 0, () => InstancesOf(resource));
                _frontDoors.Add(door);
                endpoint.Port = door.Port;
                foreach (var ports in replicaPorts)
                {
                    ports[endpoint.Name] = PortAllocator.FreePort();
                }
            }
            else
            {
                if (resource.Replicas > 1)
                {
                    throw new InvalidOperationException($"Endpoint '{endpoint.Name}' of '{resource.Name}' is not proxied, so it cannot have replicas.");
                }
                endpoint.Port = fixedPort ?? PortAllocator.FreePort();
                replicaPorts[0][endpoint.Name] = endpoint.Port.Value;
            }
        }
        return replicaPorts;
    }

    private List<ResourceInstance> InstancesOf(Resource resource) => _instances.FindAll(i => i.Resource == resource);

    private async Task StartInOrderAsync(CancellationToken cancellationToken)
    {
        // Each resource starts as soon as everything it waits for is healthy; independent ones start together.
        await Task.WhenAll(_model.StartOrder.Select(async resource =>
        {
            var instances = InstancesOf(resource);
            if (resource.WaitsFor.Count > 0)
            {
                var names = string.Join(", ", resource.WaitsFor.Select(d => d.Name));
                instances.ForEach(i => i.MarkWaiting($"Waiting for {names}"));
                try
                {
                    await Task.WhenAll(resource.WaitsFor.Select(d => WhenServingAsync(d, cancellationToken)));
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            try
            {
                await Task.WhenAll(instances.Select(i => i.StartAsync()));
            }
            catch (InvalidOperationException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutdown began as the dependencies became healthy: nothing more starts.
            }
        }));
    }

    /// <summary>Completes once at least one replica of <paramref name="resource"/> serves (at once for an external one).</summary>
    private async Task WhenServingAsync(Resource resource, CancellationToken cancellationToken)
    {
        await foreach (var _ in WatchAsync(cancellationToken))
        {
            var instances = InstancesOf(resource);
            if (instances.Count == 0 || instances.Exists(i => i.IsServing))
            {
                return;
            }
        }
    }

    private async Task AnnounceReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The dashboard's address is known once the host has started; a host that never starts (its port is
            // taken, say) ends this wait through the shutdown token instead.
            using var started = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.ApplicationStarted);
            await Task.Delay(Timeout.Infinite, started.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            cancellationToken.ThrowIfCancellationRequested();
            await foreach (var _ in WatchAsync(cancellationToken))
            {
                if (_instances.TrueForAll(i => i.IsServing))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var links = _model.StartOrder
            .Where(r => r.HasExternalEndpoints && r.Endpoints.Count > 0)
            .Select(r => $"{r.Name}={(r.Endpoints.Find(e => e.Scheme == "https") ?? r.Endpoints[0]).Url}");
        // One line in a fixed shape, for scripts to read.
        Console.Out.WriteLine($"CowAspire ready: {string.Join(' ', links)} dashboard={_dashboard.LoginUrl}");
        _logger.Ready(_instances.Count);
    }

    private void OnLog(LogLine line)
    {
        if (_model.Options.WriteResourceLogsToConsole)
        {
            _console.Write(line);
        }
        LogWritten?.Invoke(line);
    }

    private void Notify(ResourceInstance instance)
    {
        var snapshot = instance.Snapshot();
        _watchers.Publish(snapshot);
        _logger.StateChanged(snapshot.Name, snapshot.State, snapshot.Health);
    }

    public async ValueTask DisposeAsync()
    {
        // Registered both as itself and as a hosted service, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await StopAsync(CancellationToken.None);
        _launcher.Dispose();
        await _probe.DisposeAsync();
        _shutdown.Dispose();
    }
}
