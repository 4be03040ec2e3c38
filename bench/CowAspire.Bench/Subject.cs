namespace CowAspire.Bench;

/// <summary>A system under load: started fresh for each scenario, stopped after it.</summary>
public interface ISubject : IAsyncDisposable
{
    string Name { get; }

    /// <summary>What serves the streams (the processes whose memory and CPU are compared).</summary>
    string GatewayLabel { get; }

    /// <summary>Every process of the system, the gateway's included.</summary>
    string AllLabel { get; }

    /// <summary>Where subscribers connect: the gateway's own TLS endpoint, or the whole app's (for CowAspire, DCP's proxy).</summary>
    Uri SubscribeUrl { get; }

    /// <summary>The same over plain HTTP (h1c): the gateway's own http endpoint; null where there is none.</summary>
    Uri? PlainSubscribeUrl { get; }

    /// <summary>Where subscribers of <paramref name="protocol"/> connect.</summary>
    Uri SubscribeUrlFor(Client.WireProtocol protocol) => Client.SseEndpoint.UsesTls(protocol)
        ? SubscribeUrl
        : PlainSubscribeUrl ?? throw new InvalidOperationException($"{Name} serves no plain-HTTP stream here.");

    IReadOnlyList<int> GatewayPids { get; }

    IReadOnlyList<int> AllPids { get; }

    /// <summary>Every process of the system by name (for the per-process CPU breakdown).</summary>
    IReadOnlyList<(string Name, int Pid)> Processes { get; }

    /// <summary>Starts the system and returns once it serves streams.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Publishes message <paramref name="seq"/>; returns the HTTP status of the publish request.</summary>
    Task<int> PublishAsync(int seq, CancellationToken cancellationToken);

    /// <summary>Stops every process; returns what happened (how it stopped, anything left and killed).</summary>
    Task<string> StopAsync();

    /// <summary>Whether <paramref name="certificate"/> is the one this system serves (they are self-signed).</summary>
    bool Trusts(System.Security.Cryptography.X509Certificates.X509Certificate certificate);
}
