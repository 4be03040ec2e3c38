using CowAspire.Api.Limits;
using CowAspire.ServiceDefaults.Limits;

namespace CowAspire.Api.Quotes;

internal static class QuotesExtensions
{
    public static IHostApplicationBuilder AddQuotes(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<QuoteOptions>()
            .BindConfiguration(QuoteOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddOptions<ApiLimitOptions>()
            .BindConfiguration(ApiLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // POST /quotes's limit (RequireSharedRateLimit) draws from this bucket, shared with every process through Redis.
        builder.Services.AddSingleton<RedisTokenBucket>();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<QuoteCatalog>();
        builder.Services.AddSingleton<QuoteMetrics>();
        builder.Services.AddSingleton<QuoteStore>();
        builder.Services.AddHostedService<QuotePublisher>();
        return builder;
    }
}
