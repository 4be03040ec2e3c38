using System.Globalization;
using CowAspire.ServiceDefaults.Limits;
using Microsoft.Extensions.Options;

namespace CowAspire.Web.Limits;

internal static class LimitsExtensions
{
    /// <summary>The Redis bucket name of the gateway's POST /quotes limit: one bucket per client for every replica.</summary>
    public const string QuotePolicy = "web-quotes";

    public static IHostApplicationBuilder AddLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebLimitOptions>()
            .BindConfiguration(WebLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<StreamAdmission>();
        // The quote limit (RequireQuoteRateLimit) draws from this bucket, shared with every replica through Redis.
        builder.Services.AddSingleton<RedisTokenBucket>();
        return builder;
    }

    /// <summary>The gateway's quote limit, shared by every replica through Redis (see <see cref="RedisTokenBucket"/>).</summary>
    public static RouteHandlerBuilder RequireQuoteRateLimit(this RouteHandlerBuilder builder) =>
        builder.RequireSharedRateLimit(QuotePolicy, services =>
        {
            var limits = services.GetRequiredService<IOptions<WebLimitOptions>>().Value;
            return new TokenBucketLimit(limits.QuoteBurst, limits.QuotesPerSecond, limits.RetryAfterSeconds, "Too many quotes",
                $"At most {limits.QuoteBurst} quotes at once and {limits.QuotesPerSecond.ToString(CultureInfo.InvariantCulture)} a second per client.");
        });
}
