using System.Globalization;
using CowAspire.Web.Streaming;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CowAspire.Web.Page;

/// <summary>The HTMX page: static files, and the fragment that starts a show.</summary>
internal static class PageEndpoints
{
    // The page needs nothing from elsewhere, so nothing from elsewhere may run in it.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static WebApplication UsePage(this WebApplication app)
    {
        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        return app;
    }

    public static IEndpointRouteBuilder MapPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/shows").WithTags("Page").MapGet("/new", NewShow);
        return endpoints;
    }

    private static Results<ContentHttpResult, ProblemHttpResult> NewShow(HttpRequest request, IOptions<StreamingOptions> options)
    {
        if (ShowCount.Parse(request.Query["count"], options.Value.DefaultShowCount) is not { } count)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid show request",
                detail: $"count must be a whole number from 1 to {ShowCount.Max}.");
        }
        var n = count.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Content($"""
            <section class="show" data-state="streaming" hx-ext="sse" sse-connect="/events/show?count={n}" sse-close="{QuoteFrames.CloseEvent}">
              <h3>{n} quotes · <span class="show-state">streaming…</span></h3>
              <div class="bubbles" sse-swap="{QuoteFrames.QuoteEvent}" hx-swap="beforeend"></div>
            </section>
            """, "text/html; charset=utf-8");
    }
}
