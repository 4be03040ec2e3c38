using CowAspire.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CowAspire.ServiceDefaults.Limits;

public static class RateLimitExtensions
{
    /// <summary>
    /// Limits the endpoint per client address (IPv6: per /64) with a token bucket shared through Redis; over it:
    /// 429 problem details with Retry-After.
    /// </summary>
    public static RouteHandlerBuilder RequireSharedRateLimit(
        this RouteHandlerBuilder builder, string policy, Func<IServiceProvider, TokenBucketLimit> limit)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var bucket = limit(http.RequestServices);
            if (await http.RequestServices.GetRequiredService<RedisTokenBucket>()
                    .TryTakeAsync(policy, ClientAddress.Key(http), bucket, http.RequestAborted))
            {
                return await next(context);
            }
            return RetryLaterProblem.Create(http, StatusCodes.Status429TooManyRequests, bucket.Title, bucket.Detail, bucket.RetryAfterSeconds);
        });
    }
}
