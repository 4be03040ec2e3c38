using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CowAspire.ServiceDefaults.Telemetry;

/// <summary>
/// One log record for every request answered with a 4xx, written while the request's span is current, so the
/// dashboard's structured logs link a refused request to its trace (ASP.NET Core's own request logs are filtered
/// to warnings, and a handled bad request logs nothing there).
/// </summary>
internal sealed partial class ClientErrorLogging(RequestDelegate next, ILogger<ClientErrorLogging> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.Response.StatusCode is >= 400 and < 500)
        {
            ClientError(context.Request.Method, context.Request.Path, context.Response.StatusCode);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Answered {Method} {Path} with {StatusCode}")]
    private partial void ClientError(string method, PathString path, int statusCode);
}
