using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CowAspire.ServiceDefaults.Errors;

public static class RetryLaterProblem
{
    /// <summary>A temporary refusal (problem details) that says when to come back.</summary>
    public static ProblemHttpResult Create(HttpContext context, int status, string title, string detail, int retryAfterSeconds)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: status, title: title, detail: detail);
    }
}
