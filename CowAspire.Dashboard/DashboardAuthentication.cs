using Microsoft.AspNetCore.Http;

namespace CowAspire.Dashboard;

/// <summary>
/// Every page and API needs the token printed on the console: as the login cookie (set by <c>/login?t=…</c>)
/// or as <c>Authorization: Bearer …</c> for scripts.
/// </summary>
internal sealed class DashboardAuthentication(RequestDelegate next, DashboardInfo dashboard)
{
    public const string CookieName = "cowaspire_dashboard";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<Telemetry.OtlpEndpoint>() is not null)
        {
            // Services send telemetry with the OTLP key (checked before this), not with the login token.
            return next(context);
        }
        var by = context.Request.Path.Equals("/login", StringComparison.OrdinalIgnoreCase) ? Credential.NotNeeded : CredentialOf(context.Request);
        if (by == Credential.Cookie && IsForeignAction(context.Request))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cross-origin action refused",
                detail: "Actions with the login cookie must come from the dashboard's own page.").ExecuteAsync(context);
        }
        if (by != Credential.None)
        {
            return next(context);
        }
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return context.Request.Path.StartsWithSegments("/api")
            ? Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Login required",
                detail: "Send the token printed on the AppHost's console as 'Authorization: Bearer <token>', or log in with /login?t=<token>.")
                .ExecuteAsync(context)
            : Results.Content(DashboardPages.LoginRequiredHtml, "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized)
                .ExecuteAsync(context);
    }

    /// <summary>
    /// A state-changing request from another origin. SameSite does not tell loopback ports apart, so a page on
    /// any other 127.0.0.1 port could otherwise press the dashboard's buttons with the cookie.
    /// </summary>
    private bool IsForeignAction(HttpRequest request) =>
        !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
        && !string.Equals(request.Headers.Origin.ToString(), dashboard.BaseUrl, StringComparison.OrdinalIgnoreCase);

    private Credential CredentialOf(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && dashboard.IsToken(authorization["Bearer ".Length..].Trim()))
        {
            return Credential.Bearer;
        }
        return dashboard.IsToken(request.Cookies[CookieName]) ? Credential.Cookie : Credential.None;
    }

    private enum Credential
    {
        None,
        NotNeeded,
        Bearer,
        Cookie,
    }
}
