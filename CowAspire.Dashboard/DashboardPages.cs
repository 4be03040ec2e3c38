using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CowAspire.Dashboard;

/// <summary>The login and the page itself (HTML, CSS and JS embedded in the dashboard assembly).</summary>
internal static class DashboardPages
{
    public const string LoginRequiredHtml = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>CowAspire dashboard</title></head>
        <body style="font-family: system-ui, sans-serif; margin: 3rem;">
        <h1>CowAspire dashboard</h1>
        <p>Open the login link the AppHost printed on its console (<code>dashboard=http://…/login?t=…</code>).</p>
        </body></html>
        """;

    public static IEndpointRouteBuilder MapDashboardPages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/login", Login).ExcludeFromDescription();
        endpoints.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        endpoints.MapGet("/dashboard.css", () => Asset("dashboard.css", "text/css; charset=utf-8"));
        endpoints.MapGet("/dashboard.js", () => Asset("dashboard.js", "text/javascript; charset=utf-8"));
        endpoints.MapGet("/telemetry.js", () => Asset("telemetry.js", "text/javascript; charset=utf-8"));
        endpoints.MapGet("/details.js", () => Asset("details.js", "text/javascript; charset=utf-8"));
        endpoints.MapGet("/lib/uPlot.iife.min.js", () => Asset("uPlot.iife.min.js", "text/javascript; charset=utf-8"));
        endpoints.MapGet("/lib/uPlot.min.css", () => Asset("uPlot.min.css", "text/css; charset=utf-8"));
        return endpoints;
    }

    private static IResult Login(string? t, HttpContext context, DashboardInfo dashboard)
    {
        if (!dashboard.IsToken(t))
        {
            return Results.Content(LoginRequiredHtml, "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
        }
        context.Response.Cookies.Append(DashboardAuthentication.CookieName, t!, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            // Secure whenever it came over HTTPS; over plain HTTP on loopback a Secure cookie would never come back
            // (the login loop of Aspire #16067).
            Secure = context.Request.IsHttps,
            Path = "/",
        });
        return Results.Redirect("/");
    }

    private static IResult Asset(string name, string contentType)
    {
        var stream = typeof(DashboardPages).Assembly.GetManifestResourceStream($"dashboard/{name}")
            ?? throw new InvalidOperationException($"The dashboard asset {name} is missing from the build.");
        return Results.Stream(stream, contentType);
    }
}
