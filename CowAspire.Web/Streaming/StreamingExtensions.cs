using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace CowAspire.Web.Streaming;

internal static class StreamingExtensions
{
    public static IHostApplicationBuilder AddStreaming(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StreamingOptions>()
            .BindConfiguration(StreamingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<StreamingOptions>>((kestrel, streaming) =>
                kestrel.Limits.Http2.MaxStreamsPerConnection = streaming.Value.MaxStreamsPerConnection);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton<QuoteHistory>();
        builder.Services.AddSingleton<QuoteStreams>();
        builder.Services.AddSingleton<QuoteBroadcaster>();
        builder.Services.AddHostedService(services => services.GetRequiredService<QuoteBroadcaster>());
        builder.Services.AddHostedService<HeartbeatService>();
        builder.Services.AddHealthChecks().AddCheck<SubscriptionHealthCheck>("subscription");
        return builder;
    }
}
