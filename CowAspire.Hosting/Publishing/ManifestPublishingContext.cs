using System.Globalization;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Publishing;

/// <summary>
/// Writes resources into Aspire's deployment manifest (<c>--publisher manifest</c>): the JSON that Aspire's deployment
/// tools read, with placeholders such as <c>{redis.connectionString}</c> for what is known only where it runs.
/// </summary>
public sealed class ManifestPublishingContext(
    DistributedApplicationExecutionContext executionContext, string manifestPath, Utf8JsonWriter writer, CancellationToken cancellationToken = default)
{
    public DistributedApplicationExecutionContext ExecutionContext { get; } = executionContext;

    public string ManifestPath { get; } = manifestPath;

    public Utf8JsonWriter Writer { get; } = writer;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>A path as the manifest gives it: relative to the manifest's directory, with forward slashes.</summary>
    public string? GetManifestRelativePath(string? path) =>
        path is null ? null : Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(ManifestPath))!, path).Replace('\\', '/');

    public void WriteConnectionString(IResource resource)
    {
        if (resource is IResourceWithConnectionString withConnectionString)
        {
            Writer.WriteString("connectionString", withConnectionString.ConnectionStringExpression.ValueExpression);
        }
    }

    /// <summary>The resource's endpoints as <c>bindings</c>: scheme, protocol, transport, ports, whether external.</summary>
    public void WriteBindings(IResource resource)
    {
        var endpoints = resource.Annotations.OfType<EndpointAnnotation>().ToList();
        if (endpoints.Count == 0)
        {
            return;
        }
        Writer.WriteStartObject("bindings");
        foreach (var endpoint in endpoints)
        {
            Writer.WriteStartObject(endpoint.Name);
            Writer.WriteString("scheme", endpoint.UriScheme);
            Writer.WriteString("protocol", endpoint.Protocol.ToString().ToLowerInvariant());
            Writer.WriteString("transport", endpoint.Transport);
            if (endpoint.TargetPort is { } targetPort)
            {
                Writer.WriteNumber("targetPort", targetPort);
            }
            if (endpoint.IsExternal)
            {
                Writer.WriteBoolean("external", true);
            }
            Writer.WriteEndObject();
        }
        Writer.WriteEndObject();
    }

    /// <summary>The variables the model gives the resource, with placeholders for references.</summary>
    public async Task WriteEnvironmentVariablesAsync(IResource resource)
    {
        var variables = await EnvironmentExpressionsAsync(resource, ExecutionContext, CancellationToken);
        if (variables.Count == 0)
        {
            return;
        }
        Writer.WriteStartObject("env");
        foreach (var (name, value) in variables)
        {
            Writer.WriteString(name, value);
        }
        Writer.WriteEndObject();
    }

    /// <summary>The resource's variables as the manifest writes them: values, or placeholders such as <c>{api.bindings.http.url}</c>.</summary>
    internal static async Task<Dictionary<string, string>> EnvironmentExpressionsAsync(
        IResource resource, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        var context = new EnvironmentCallbackContext(executionContext, resource, cancellationToken: cancellationToken);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        var variables = new Dictionary<string, string>();
        foreach (var (name, value) in ManifestDefaults.For(resource).Concat(context.EnvironmentVariables))
        {
            variables[name] = Expression(value);
        }
        return variables;
    }

    public async Task WriteCommandLineArgumentsAsync(IResource resource)
    {
        var context = new CommandLineArgsCallbackContext(new List<object>(), CancellationToken) { ExecutionContext = ExecutionContext, Resource = resource };
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        if (context.Args.Count == 0)
        {
            return;
        }
        Writer.WriteStartArray("args");
        foreach (var arg in context.Args)
        {
            Writer.WriteStringValue(Expression(arg));
        }
        Writer.WriteEndArray();
    }

    private static string Expression(object value) => value switch
    {
        string text => text,
        IManifestExpressionProvider provider => provider.ValueExpression,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
