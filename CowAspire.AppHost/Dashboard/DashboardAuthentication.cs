using Microsoft.AspNetCore.Http;

namespace CowAspire.AppHost.Dashboard;

/// <summary>
/// Every page and API needs the token printed on the console: as the login cookie (set by <c>/login?t=…</c>)
/// or as <c>Authorization: Bearer …</c> for scripts.
/// </summary>
internal sealed class DashboardAuthentication(RequestDelegate next, DashboardInfo dashboard)
{
    public const string CookieName = "cowaspire_dashboard";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.Equals("/login", StringComparison.OrdinalIgnoreCase) || IsAuthenticated(context.Request))
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

    private bool IsAuthenticated(HttpRequest request)
    {
        if (dashboard.IsToken(request.Cookies[CookieName]))
        {
            return true;
        }
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && dashboard.IsToken(authorization["Bearer ".Length..].Trim());
    }
}
