using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CowAspire.ServiceDefaults.Errors;

/// <summary>
/// Turns what the client did wrong into a 4xx problem instead of a 500: Kestrel reports a malformed chunked
/// body, a body that stops arriving (MinRequestBodyDataRate) or one over the size limit by throwing
/// <see cref="BadHttpRequestException"/> from whichever read of the body meets it — an endpoint's, JSON binding's
/// or a proxy's copy. Handling it here covers every endpoint, and a handled exception is not logged as an error.
/// </summary>
internal sealed class ClientErrorExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.RequestAborted.IsCancellationRequested && exception is IOException or OperationCanceledException)
        {
            // The client went away mid-request: nobody to answer, and not the server's fault.
            return true;
        }

        if (httpContext.Response.HasStarted || ClientError(exception) is not { } badRequest)
        {
            return false;
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = badRequest.StatusCode,
                Detail = badRequest.StatusCode == StatusCodes.Status408RequestTimeout
                    ? "The request body stopped arriving before it was complete."
                    : $"The request could not be read: {badRequest.Message}",
            },
        });
    }

    private static BadHttpRequestException? ClientError(Exception exception) => exception switch
    {
        BadHttpRequestException badRequest => badRequest,
        // Kestrel reports a chunk size too large for an int ("ffffffffffffffffff") as a bare IOException around
        // the OverflowException of its checked parser, not as BadHttpRequestException (aspnet/KestrelHttpServer#1899).
        IOException { InnerException: OverflowException } io => new BadHttpRequestException(io.Message, StatusCodes.Status400BadRequest, io),
        _ => null,
    };
}
