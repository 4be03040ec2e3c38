using System.Diagnostics;
using CowAspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace CowAspire.Tests.Telemetry;

/// <summary>
/// Aspire's Redis instrumentation makes a span of every command, parented to whatever was current when the command was
/// issued: a health probe's untraced request, or nothing at all for a background loop. The service defaults' sampler
/// keeps a Redis command span only inside a recorded trace, and leaves every other span to the sampler it wraps (what
/// the AppHost gives: <c>always_on</c>). The spans here come from a source of this test's own, added to the tracer
/// provider the service defaults build, so that no other listener in the process decides for them.
/// </summary>
public sealed class RedisCommandSamplerTests : IDisposable
{
    private readonly ActivitySource _source = new($"CowAspire.Tests.RedisCommandSampler.{Guid.NewGuid():N}");
    private readonly IHost _host;

    public RedisCommandSamplerTests()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["OTEL_TRACES_SAMPLER"] = "always_on";
        builder.ConfigureOpenTelemetry();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(_source.Name));
        _host = builder.Build();
        // Building the provider is what starts it listening to the sources it was given.
        Assert.NotNull(_host.Services.GetService<TracerProvider>());
        Activity.Current = null;
    }

    [Theory]
    [InlineData("db.system.name", false)]
    [InlineData("db.system", false)]
    [InlineData("db.system.name", true)]
    [InlineData("db.system", true)]
    public void ARedisCommandWithoutARecordedParentIsDropped(string tag, bool underAnUntracedRequest)
    {
        // A probe's request is filtered out of tracing: its context goes on, not recorded.
        var parent = underAnUntracedRequest
            ? new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None)
            : default;

        using var command = _source.StartActivity("PING", ActivityKind.Client, parent, [new(tag, "redis")]);

        Assert.False(command is { Recorded: true } or { IsAllDataRequested: true }, $"A {tag}=redis span was recorded under {(underAnUntracedRequest ? "an untraced request" : "no parent")}.");
    }

    [Theory]
    [InlineData("db.system.name")]
    [InlineData("db.system")]
    public void ARedisCommandInARecordedTraceIsRecorded(string tag)
    {
        using var request = _source.StartActivity("POST /quotes/", ActivityKind.Server);
        Assert.NotNull(request);
        Assert.True(request.Recorded);

        using var command = _source.StartActivity("EVAL", ActivityKind.Client, request.Context, [new(tag, "redis")]);

        Assert.NotNull(command);
        Assert.True(command.Recorded);
        Assert.Equal((request.TraceId, request.SpanId), (command.TraceId, command.ParentSpanId));
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData(null, null, true)]
    [InlineData("db.system.name", "postgresql", false)]
    // The publish span names Redis as its messaging system: it is not a Redis command.
    [InlineData("messaging.system", "redis", false)]
    [InlineData("messaging.system", "redis", true)]
    public void OtherSpansAreLeftToTheSamplerItWraps(string? tag, string? value, bool underAnUntracedRequest)
    {
        var parent = underAnUntracedRequest
            ? new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None)
            : default;
        KeyValuePair<string, object?>[] tags = tag is null ? [] : [new(tag, value)];

        using var span = _source.StartActivity("other", ActivityKind.Internal, parent, tags);

        // always_on samples every span, whatever its parent says.
        Assert.NotNull(span);
        Assert.True(span.Recorded);
    }

    public void Dispose()
    {
        _host.Dispose();
        _source.Dispose();
    }
}
