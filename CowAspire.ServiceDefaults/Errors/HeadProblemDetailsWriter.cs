using Microsoft.AspNetCore.Http;

namespace CowAspire.ServiceDefaults.Errors;

/// <summary>
/// A problem in answer to HEAD is its headers alone. Over HTTP/1.1 Kestrel drops what is written to a HEAD
/// response, but over HTTP/2 writing the problem's JSON broke the stream (curl: PROTOCOL_ERROR, exit 92) for every
/// 404 and 405; so the body is never written, whatever the protocol.
/// </summary>
internal sealed class HeadProblemDetailsWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => HttpMethods.IsHead(context.HttpContext.Request.Method);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        context.HttpContext.Response.ContentType = "application/problem+json";
        return ValueTask.CompletedTask;
    }
}
