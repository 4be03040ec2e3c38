using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CowAspire.Hosting.Orchestration;

/// <summary>
/// Runs the app model: allocates ports, opens front doors for proxied endpoints, starts each resource once what it
/// waits for is reached, announces readiness, and on shutdown stops resources in reverse dependency order.
/// </summary>
internal sealed class Orchestrator : IHostedService, IAsyncDisposable
{
    private readonly IReadOnlyList<IResource> _startOrder;
    private readonly ResourceNotificationService _notifications;
    private readonly ResourceLoggerService _logs;
    private readonly ProcessLauncher _launcher = new();
    private readonly HealthProbe _probe;
    private readonly ResourceConsole? _console;
    private readonly ReadyAnnouncement _announcement;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<Orchestrator> _logger;
    private readonly List<ResourceInstance> _instances = [];
    private readonly List<FrontDoor> _frontDoors = [];
    private readonly ConnectionBudget _connections = ConnectionBudget.FromDescriptorLimit();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly bool _randomizePorts;
    private readonly bool _exitOnStartupFailure;
    private Task _startup = Task.CompletedTask;
    private Task _announce = Task.CompletedTask;
    private int _stopped;
    private int _disposed;

    public Orchestrator(
        DistributedApplicationModel model, DistributedApplicationOptions options, ResourceNotificationService notifications,
        ResourceLoggerService logs, ProcessSpecFactory specs, HealthProbe probe, ReadyAnnouncement announcement,
        IHostApplicationLifetime lifetime, ILoggerFactory loggers, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        _startOrder = StartOrder.Of(model.Resources);
        _notifications = notifications;
        _logs = logs;
        _probe = probe;
        _announcement = announcement;
        _lifetime = lifetime;
        _logger = loggers.CreateLogger<Orchestrator>();
        _randomizePorts = string.Equals(configuration["DcpPublisher:RandomizePorts"], "true", StringComparison.OrdinalIgnoreCase);
        // Tests keep a failed app up to look at it (and start it again); a developer's run ends instead.
        _exitOnStartupFailure = !string.Equals(configuration["AppHost:ExitOnStartupFailure"], "false", StringComparison.OrdinalIgnoreCase);
        _console = options.EnableResourceLogging ? null : new ResourceConsole();
        var appHostName = configuration[Microsoft.Extensions.Hosting.HostDefaults.ApplicationKey] ?? "AppHost";
        logs.LineWritten += entry => OnLog(entry, options.EnableResourceLogging ? loggers.CreateLogger($"{appHostName}.Resources.{entry.ResourceId}") : null);

        foreach (var resource in _startOrder)
        {
            if (resource.Annotations.OfType<ExternalResourceAnnotation>().Any())
            {
                // Named through configuration and run elsewhere: nothing to start, nothing to wait for.
                _ = notifications.PublishUpdateAsync(resource, s => s with { State = new(KnownResourceStates.Running, "success") });
                continue;
            }
            if (resource is not (ExecutableResource or ProjectResource))
            {
                // Described for publishing only (a Kubernetes environment, a password parameter): nothing runs for it.
                continue;
            }
            var proxiedOnly = resource.Annotations.OfType<EndpointAnnotation>().All(e => e.IsProxied);
            for (var replica = 0; replica < resource.GetReplicaCount(); replica++)
            {
                var instance = new ResourceInstance(resource, replica, specs, _launcher, probe, logs, Notify,
                    proxiedOnly ? () => FreshPorts(resource) : null);
                _instances.Add(instance);
                Notify(instance);
            }
        }
    }

    public IReadOnlyList<ResourceInstance> Instances => _instances;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Preflight.Check(_startOrder);
        foreach (var resource in _startOrder)
        {
            AllocateEndpoints(resource);
        }
        foreach (var door in _frontDoors)
        {
            door.Open();
        }
        _instances.ForEach(Notify);
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
        foreach (var resource in _startOrder.Reverse())
        {
            await Task.WhenAll(InstancesOf(resource).Select(i => i.StopAsync(retire: true)));
        }
        foreach (var door in _frontDoors)
        {
            await door.DisposeAsync();
        }
        _frontDoors.Clear();
    }

    /// <summary>The instances a name stands for: one replica (<c>web-0</c>), or every replica of a resource (<c>web</c>).</summary>
    public IReadOnlyList<ResourceInstance> Find(string name) =>
        _instances.FindAll(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(i.Resource.Name, name, StringComparison.OrdinalIgnoreCase));

    private void AllocateEndpoints(IResource resource)
    {
        var instances = InstancesOf(resource);
        var replicaPorts = instances.Select(_ => new Dictionary<string, int>()).ToList();
        foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
        {
            var fixedPort = _randomizePorts && !endpoint.Pinned ? null : endpoint.Port;
            if (instances.Count == 0)
            {
                continue;
            }
            if (endpoint.IsProxied)
            {
                var door = OpenFrontDoor(resource, endpoint, fixedPort ?? 0);
                _frontDoors.Add(door);
                endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "127.0.0.1", door.Port);
                foreach (var ports in replicaPorts)
                {
                    ports[endpoint.Name] = endpoint.TargetPort is { } target && instances.Count == 1 ? target : PortAllocator.FreePort();
                }
            }
            else
            {
                if (instances.Count > 1)
                {
                    throw new DistributedApplicationException($"Endpoint '{endpoint.Name}' of '{resource.Name}' is not proxied, so it cannot have replicas.");
                }
                var port = endpoint.TargetPort ?? fixedPort ?? PortAllocator.FreePort();
                endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "127.0.0.1", port);
                replicaPorts[0][endpoint.Name] = port;
            }
        }
        for (var i = 0; i < instances.Count; i++)
        {
            instances[i].AssignPorts(replicaPorts[i]);
        }
    }

    private FrontDoor OpenFrontDoor(IResource resource, EndpointAnnotation endpoint, int port)
    {
        try
        {
            return new FrontDoor(endpoint, port, () => InstancesOf(resource), _connections);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new DistributedApplicationException(
                $"port {port} of {resource.Name}'s '{endpoint.Name}' endpoint is taken; stop what holds it, or choose another with Ports:{resource.Name}:{endpoint.Name}=N (0 for any free port).");
        }
    }

    private static Dictionary<string, int> FreshPorts(IResource resource) =>
        resource.Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name, _ => PortAllocator.FreePort());

    private List<ResourceInstance> InstancesOf(IResource resource) => _instances.FindAll(i => i.Resource == resource);

    private async Task StartInOrderAsync(CancellationToken cancellationToken)
    {
        // Each resource starts as soon as what it waits for is reached; independent ones start together.
        await Task.WhenAll(_startOrder.Select(async resource =>
        {
            var instances = InstancesOf(resource);
            var waits = resource.Annotations.OfType<WaitAnnotation>().ToList();
            if (waits.Count > 0)
            {
                var names = string.Join(", ", waits.Select(w => w.Resource.Name).Distinct());
                instances.ForEach(i => i.MarkWaiting($"Waiting for {names}"));
                try
                {
                    await _notifications.WaitForDependenciesAsync(resource, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (DistributedApplicationException ex)
                {
                    // What it waits for will not come (it failed to start): say so instead of waiting for ever.
                    _logger.CannotStart(resource.Name, ex.Message);
                    instances.ForEach(i => i.MarkFailedToStart($"A dependency failed: {ex.Message.Split('\n')[0]}"));
                    return;
                }
            }
            try
            {
                await Task.WhenAll(instances.Select(i => i.StartAsync()));
            }
            catch (InvalidOperationException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutdown began as the dependencies became ready: nothing more starts.
            }
        }));
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
            await foreach (var e in _notifications.WatchAsync(cancellationToken))
            {
                if (_instances.TrueForAll(i => i.IsServing))
                {
                    break;
                }
                if (_exitOnStartupFailure && e.Snapshot.State?.Text == KnownResourceStates.FailedToStart)
                {
                    // A developer's run that cannot come up ends, saying why, rather than waiting for ever.
                    var reason = e.Snapshot.Properties.FirstOrDefault(p => p.Name == SnapshotProperties.Message)?.Value;
                    var lastError = _logs.Snapshot(e.ResourceId).LastOrDefault(l => l.IsError)?.Text;
                    await Console.Error.WriteLineAsync($"CowAspire could not start: {e.ResourceId} failed to start: {reason}{(lastError is null ? "" : $" Its last error: {lastError}")}");
                    Environment.ExitCode = 1;
                    _lifetime.StopApplication();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var links = _startOrder
            .Select(r => (r.Name, Endpoints: r.Annotations.OfType<EndpointAnnotation>().Where(e => e.IsExternal && e.AllocatedEndpoint is not null).ToList()))
            .Where(r => r.Endpoints.Count > 0)
            .Select(r => $"{r.Name}={(r.Endpoints.Find(e => e.UriScheme == "https") ?? r.Endpoints[0]).AllocatedEndpoint}");
        var dashboard = _announcement.DashboardLoginUrl is { } login ? $" dashboard={login}" : "";
        // One line in a fixed shape, for scripts to read.
        Console.Out.WriteLine($"CowAspire ready: {string.Join(' ', links)}{dashboard}");
        _logger.Ready(_instances.Count);
    }

    private void OnLog(ResourceLogEntry entry, ILogger? logger)
    {
        _console?.Write(entry);
        if (logger is null)
        {
            return;
        }
        if (entry.IsError)
        {
            ResourceLog.ErrorOutput(logger, entry.Text);
        }
        else
        {
            ResourceLog.Output(logger, entry.Text);
        }
    }

    private void Notify(ResourceInstance instance) =>
        _ = _notifications.PublishUpdateAsync(instance.Resource, instance.Name, _ => instance.ToSnapshot());

    public async ValueTask DisposeAsync()
    {
        // Registered both as itself and as a hosted service, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await StopAsync(CancellationToken.None);
        _launcher.Dispose();
        _probe.Dispose();
        _shutdown.Dispose();
    }
}

/// <summary>What the ready line says beside the resources: the dashboard's login address, once it listens.</summary>
internal sealed class ReadyAnnouncement
{
    public string? DashboardLoginUrl { get; set; }
}
