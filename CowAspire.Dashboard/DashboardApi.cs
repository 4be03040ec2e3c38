using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CowAspire.Dashboard;

/// <summary>The dashboard's data as JSON and SSE under /api, behind the same token: for the page, scripts and tests.</summary>
internal static class DashboardApi
{
    private static readonly Dictionary<string, string> Commands = new()
    {
        ["start"] = KnownResourceCommands.StartCommand,
        ["stop"] = KnownResourceCommands.StopCommand,
        ["restart"] = KnownResourceCommands.RestartCommand,
    };

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/resources");
        api.MapGet("/", (ResourceNotificationService notifications) => TypedResults.Ok(Current(notifications)));
        api.MapGet("/stream", StreamResources);
        api.MapGet("/{name}/details", GetDetails);
        api.MapGet("/{name}/logs", GetLogs);
        api.MapGet("/{name}/logs/stream", StreamLogs);
        api.MapGet("/{name}/logs/download", DownloadLogs);
        api.MapPost("/{name}/{action}", Act);
        return endpoints;
    }

    private static List<DashboardResource> Current(ResourceNotificationService notifications) =>
        [.. notifications.Current()
            .Where(e => !e.Resource.Annotations.OfType<ExternalResourceAnnotation>().Any())
            .Select(DashboardResource.From)];

    private static Results<Ok<DashboardResourceDetails>, ProblemHttpResult> GetDetails(string name, ResourceNotificationService notifications) =>
        notifications.Current().FirstOrDefault(e => string.Equals(e.ResourceId, name, StringComparison.OrdinalIgnoreCase)
            && !e.Resource.Annotations.OfType<ExternalResourceAnnotation>().Any()) is { } found
            ? TypedResults.Ok(DashboardResourceDetails.From(found))
            : NotFound(name);

    private static Results<Ok<IReadOnlyList<DashboardLogLine>>, ProblemHttpResult> GetLogs(string name, int? last, ResourceNotificationService notifications, ResourceLoggerService logs)
    {
        if (last is < 1 or > ResourceLoggerService.Capacity)
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid request", detail: $"last must be from 1 to {ResourceLoggerService.Capacity}.");
        }
        return Exists(name, notifications)
            ? TypedResults.Ok<IReadOnlyList<DashboardLogLine>>([.. logs.Snapshot(name, last).Select(DashboardLogLine.From)])
            : NotFound(name);
    }

    private static Results<FileContentHttpResult, ProblemHttpResult> DownloadLogs(string name, ResourceNotificationService notifications, ResourceLoggerService logs)
    {
        if (!Exists(name, notifications))
        {
            return NotFound(name);
        }
        var text = new StringBuilder();
        foreach (var line in logs.Snapshot(name))
        {
            text.Append(line.Timestamp.ToString("O")).Append(line.IsError ? " ERR " : " OUT ").Append(line.Text).Append('\n');
        }
        return TypedResults.File(Encoding.UTF8.GetBytes(text.ToString()), "text/plain; charset=utf-8", $"{name}.log");
    }

    private static async Task<Results<Accepted<IReadOnlyList<DashboardResource>>, ProblemHttpResult>> Act(
        string name, string action, ResourceNotificationService notifications, ResourceCommandService commands, CancellationToken cancellationToken)
    {
        if (!Commands.TryGetValue(action, out var command))
        {
            return TypedResults.Problem(statusCode: 400, title: "Unknown action",
                detail: $"'{action}' is not an action; use one of: {string.Join(", ", Commands.Keys)}.");
        }
        if (!Exists(name, notifications))
        {
            return NotFound(name);
        }
        var result = await commands.ExecuteCommandAsync(name, command, cancellationToken);
        if (!result.Success)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not now", detail: result.ErrorMessage);
        }
        return TypedResults.Accepted((string?)null, (IReadOnlyList<DashboardResource>)[.. Current(notifications)
            .Where(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(r.Resource, name, StringComparison.OrdinalIgnoreCase))]);
    }

    private static Task StreamResources(HttpContext context, ResourceNotificationService notifications, IHostApplicationLifetime lifetime) =>
        WriteEventsAsync(context, lifetime, "resource", Resources(notifications, context.RequestAborted));

    private static async IAsyncEnumerable<DashboardResource> Resources(ResourceNotificationService notifications, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in notifications.WatchAsync(cancellationToken))
        {
            yield return DashboardResource.From(e);
        }
    }

    private static async IAsyncEnumerable<DashboardLogLine> Lines(ResourceLoggerService logs, string name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in logs.WatchEntriesAsync(name, cancellationToken))
        {
            yield return DashboardLogLine.From(entry);
        }
    }

    private static Task StreamLogs(string name, HttpContext context, ResourceNotificationService notifications, ResourceLoggerService logs, IHostApplicationLifetime lifetime) =>
        Exists(name, notifications)
            ? WriteEventsAsync(context, lifetime, "log", Lines(logs, name, context.RequestAborted))
            : NotFound(name).ExecuteAsync(context);

    private static async Task WriteEventsAsync<T>(HttpContext context, IHostApplicationLifetime lifetime, string eventType, IAsyncEnumerable<T> items)
    {
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var result = TypedResults.ServerSentEvents(Serialize(items, eventType, json, ends.Token));
        try
        {
            await result.ExecuteAsync(context);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async IAsyncEnumerable<SseItem<string>> Serialize<T>(
        IAsyncEnumerable<T> items, string eventType, JsonSerializerOptions json, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            yield return new(JsonSerializer.Serialize(item, json), eventType);
        }
    }

    private static bool Exists(string name, ResourceNotificationService notifications) =>
        Current(notifications).Exists(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(r.Resource, name, StringComparison.OrdinalIgnoreCase));

    private static ProblemHttpResult NotFound(string name) =>
        TypedResults.Problem(statusCode: 404, title: "Unknown resource", detail: $"No resource or replica is named '{name}'.");
}
