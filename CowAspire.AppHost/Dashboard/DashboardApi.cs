using System.Text;
using System.Text.Json;
using CowAspire.AppHost.Orchestration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;

namespace CowAspire.AppHost.Dashboard;

/// <summary>The dashboard's data as JSON and SSE under /api, behind the same token: for the page, scripts and tests.</summary>
internal static class DashboardApi
{
    private static readonly string[] Actions = ["start", "stop", "restart"];

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/resources");
        api.MapGet("/", (Orchestrator orchestrator) => TypedResults.Ok(orchestrator.Snapshot()));
        api.MapGet("/stream", StreamResources);
        api.MapGet("/{name}/logs", GetLogs);
        api.MapGet("/{name}/logs/stream", StreamLogs);
        api.MapGet("/{name}/logs/download", DownloadLogs);
        api.MapPost("/{name}/{action}", Act);
        return endpoints;
    }

    private static Results<Ok<IReadOnlyList<LogLine>>, ProblemHttpResult> GetLogs(string name, int? last, Orchestrator orchestrator)
    {
        if (last is < 1 or > ResourceLogs.Capacity)
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid request", detail: $"last must be from 1 to {ResourceLogs.Capacity}.");
        }
        return Replica(name, orchestrator) is { } instance
            ? TypedResults.Ok(instance.Logs.Snapshot(last))
            : NotFound(name);
    }

    private static Results<FileContentHttpResult, ProblemHttpResult> DownloadLogs(string name, Orchestrator orchestrator)
    {
        if (Replica(name, orchestrator) is not { } instance)
        {
            return NotFound(name);
        }
        var text = new StringBuilder();
        foreach (var line in instance.Logs.Snapshot())
        {
            text.Append(line.Timestamp.ToString("O")).Append(line.IsError ? " ERR " : " OUT ").Append(line.Text).Append('\n');
        }
        return TypedResults.File(Encoding.UTF8.GetBytes(text.ToString()), "text/plain; charset=utf-8", $"{instance.Name}.log");
    }

    private static async Task<Results<Accepted<IReadOnlyList<ResourceSnapshot>>, ProblemHttpResult>> Act(
        string name, string action, Orchestrator orchestrator)
    {
        if (!Actions.Contains(action))
        {
            return TypedResults.Problem(statusCode: 400, title: "Unknown action",
                detail: $"'{action}' is not an action; use one of: {string.Join(", ", Actions)}.");
        }
        IReadOnlyList<ResourceInstance> instances;
        try
        {
            instances = orchestrator.Find(name);
        }
        catch (KeyNotFoundException)
        {
            return NotFound(name);
        }
        try
        {
            await (action switch
            {
                "start" => orchestrator.StartResourceAsync(name),
                "stop" => orchestrator.StopResourceAsync(name),
                _ => orchestrator.RestartResourceAsync(name),
            });
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not now", detail: ex.Message);
        }
        return TypedResults.Accepted((string?)null, (IReadOnlyList<ResourceSnapshot>)[.. instances.Select(i => i.Snapshot())]);
    }

    private static Task StreamResources(HttpContext context, Orchestrator orchestrator, IHostApplicationLifetime lifetime) =>
        WriteEventsAsync(context, lifetime, "resource", orchestrator.WatchAsync(context.RequestAborted));

    private static Task StreamLogs(string name, HttpContext context, Orchestrator orchestrator, IHostApplicationLifetime lifetime) =>
        Replica(name, orchestrator) is { } instance
            ? WriteEventsAsync(context, lifetime, "log", instance.Logs.WatchAsync(context.RequestAborted))
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

    private static async IAsyncEnumerable<System.Net.ServerSentEvents.SseItem<string>> Serialize<T>(
        IAsyncEnumerable<T> items, string eventType, JsonSerializerOptions json,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            yield return new(JsonSerializer.Serialize(item, json), eventType);
        }
    }

    private static ResourceInstance? Replica(string name, Orchestrator orchestrator) =>
        orchestrator.Instances.FirstOrDefault(i => i.Name == name);

    private static ProblemHttpResult NotFound(string name) =>
        TypedResults.Problem(statusCode: 404, title: "Unknown resource", detail: $"No resource or replica is named '{name}'.");
}
