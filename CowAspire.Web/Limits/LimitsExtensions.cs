using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CowAspire.Web.Limits;

internal static class LimitsExtensions
{
    public const string QuotePolicy = "quotes";

    public static IHostApplicationBuilder AddLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LimitOptions>()
            .BindConfiguration(LimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<StreamAdmission>();

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(QuotePolicy, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<LimitOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter(ClientAddress(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.QuoteBurst,
                    TokensPerPeriod = limits.QuotesPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var limits = context.HttpContext.RequestServices.GetRequiredService<IOptions<LimitOptions>>().Value;
                await RetryLater(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many quotes",
                    $"At most {limits.QuoteBurst} quotes at once and {limits.QuotesPerSecond} a second per client.", limits.RetryAfterSeconds)
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }

    public static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>A refusal (problem details) that says when to come back.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult RetryLater(HttpContext context, int status, string title, string detail, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: status, title: title, detail: detail);
    }
}
