using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using CowAspire.ServiceDefaults.Telemetry;
using StackExchange.Redis;

namespace CowAspire.ServiceDefaults.Redis;

/// <summary>
/// Redis commands as client spans (the StackExchange.Redis instrumentation package is not available here): the
/// process's <see cref="IConnectionMultiplexer"/> hands out databases whose async commands each run inside a span
/// named for the command (<c>EVAL</c>, <c>XRANGE</c>, <c>WAIT</c>…), so a request's trace shows its Redis calls.
/// Only within a recorded trace: health probes and background loops do not fill the dashboard with root spans.
/// </summary>
internal static class TracedRedis
{
    public static IConnectionMultiplexer Wrap(IConnectionMultiplexer redis)
    {
        var proxy = DispatchProxy.Create<IConnectionMultiplexer, MultiplexerProxy>();
        ((MultiplexerProxy)proxy).Inner = redis;
        return proxy;
    }

    /// <summary>OpenTelemetry's operation name: the Redis command a StackExchange.Redis method sends.</summary>
    internal static string CommandOf(MethodInfo method, object?[]? args)
    {
        var name = method.Name.EndsWith("Async", StringComparison.Ordinal) ? method.Name[..^"Async".Length] : method.Name;
        return name switch
        {
            "Execute" when args is [string command, ..] => command.ToUpperInvariant(),
            "ScriptEvaluate" => "EVAL",
            "StringIncrement" => "INCR",
            "StringGet" => "GET",
            "StringSet" => "SET",
            "KeyDelete" => "DEL",
            "StreamAdd" => "XADD",
            "StreamRange" => "XRANGE",
            "StreamInfo" => "XINFO",
            "Publish" => "PUBLISH",
            "Ping" => "PING",
            _ => name,
        };
    }

    [SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy derives from it at run time.")]
    internal class MultiplexerProxy : DispatchProxy
    {
        public IConnectionMultiplexer Inner { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var result = Forward(Inner, targetMethod!, args);
            return result is IDatabase database && targetMethod!.Name == nameof(IConnectionMultiplexer.GetDatabase) ? Traced(database) : result;
        }

        private static IDatabase Traced(IDatabase database)
        {
            var proxy = DispatchProxy.Create<IDatabase, DatabaseProxy>();
            ((DatabaseProxy)proxy).Inner = database;
            return proxy;
        }
    }

    [SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy derives from it at run time.")]
    internal class DatabaseProxy : DispatchProxy
    {
        public IDatabase Inner { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var method = targetMethod!;
            if (!typeof(Task).IsAssignableFrom(method.ReturnType) || Activity.Current is not { Recorded: true })
            {
                return Forward(Inner, method, args);
            }
            var caller = Activity.Current;
            var span = QuoteTracing.StartRedisCommand(CommandOf(method, args));
            try
            {
                var task = (Task)Forward(Inner, method, args)!;
                task.ContinueWith(static (done, state) =>
                {
                    var activity = (Activity?)state;
                    if (done.Exception?.InnerException is { } error)
                    {
                        activity.Failed(error);
                    }
                    activity?.Dispose();
                }, span, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                return task;
            }
            catch (Exception ex)
            {
                span.Failed(ex);
                span?.Dispose();
                throw;
            }
            finally
            {
                // The span ends when the command does, later; the caller goes on under its own span meanwhile.
                Activity.Current = caller;
            }
        }
    }

    private static object? Forward(object target, MethodInfo method, object?[]? args)
    {
        try
        {
            return method.Invoke(target, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }
}
