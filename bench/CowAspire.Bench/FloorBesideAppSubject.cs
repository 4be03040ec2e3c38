using System.Security.Cryptography.X509Certificates;

namespace CowAspire.Bench;

/// <summary>
/// Kestrel's floor with CowAspire's app running beside it, fed the same messages (issue 20's control): the floor
/// still holds every stream and is the gateway, while the app (AppHost, DCP, dashboard, Redis, the Api and both Web
/// replicas, no stream open) takes each message through its publish path as it does when CowAspire is measured. What
/// the floor's latency loses here is what the rest of the app costs a gateway on the same cores, not the gateway's own work.
/// </summary>
public sealed class FloorBesideAppSubject(BenchOptions options, int streams) : ISubject
{
    public const string System = "floor-beside-app";
    public const string ReportName = "floor beside the app";

    private readonly FloorSubject _floor = new(options);
    private readonly CowAspireSubject _app = new(options, streams, Target.Gateway);

    public string Name => ReportName;

    public string GatewayLabel => _floor.GatewayLabel;

    public string AllLabel => $"{_floor.AllLabel}, beside CowAspire's app ({_app.AllLabel})";

    public Uri SubscribeUrl => _floor.SubscribeUrl;

    public Uri? PlainSubscribeUrl => _floor.PlainSubscribeUrl;

    public IReadOnlyList<int> GatewayPids => _floor.GatewayPids;

    public IReadOnlyList<int> AllPids => [.. _floor.AllPids, .. _app.AllPids];

    public IReadOnlyList<(string Name, int Pid)> Processes => [.. _floor.Processes, .. _app.Processes];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _app.StartAsync(cancellationToken);
        await _floor.StartAsync(cancellationToken);
    }

    /// <summary>Both at once, as the bench's one publish; the floor's status is the one counted.</summary>
    public async Task<int> PublishAsync(int seq, CancellationToken cancellationToken)
    {
        var floor = _floor.PublishAsync(seq, cancellationToken);
        var app = _app.PublishAsync(seq, cancellationToken);
        await Task.WhenAll(floor, app);
        return await floor;
    }

    public async Task<string> StopAsync() => $"floor {await _floor.StopAsync()}; app: {await _app.StopAsync()}";

    public bool Trusts(X509Certificate certificate) => _floor.Trusts(certificate);

    public async ValueTask DisposeAsync()
    {
        await _floor.DisposeAsync();
        await _app.DisposeAsync();
    }
}
