using System.Text.Json;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Publishing;

/// <summary>Writes the app model as Aspire's deployment manifest (<c>aspire-manifest.json</c>, schema aspire-8.0).</summary>
internal static class ManifestPublisher
{
    public static async Task<string> WriteAsync(
        DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext, string outputPath, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(outputPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? outputPath : Path.Combine(outputPath, "aspire-manifest.json"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var stream = File.Create(path);
        await using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var context = new ManifestPublishingContext(executionContext, path, writer, cancellationToken);
        writer.WriteStartObject();
        writer.WriteString("$schema", "https://json.schemastore.org/aspire-8.0.json");
        writer.WriteStartObject("resources");
        foreach (var resource in model.Resources)
        {
            await WriteResourceAsync(context, resource);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        return path;
    }

    private static async Task WriteResourceAsync(ManifestPublishingContext context, IResource resource)
    {
        var writer = context.Writer;
        if (resource.TryGetLastAnnotation<ManifestPublishingCallbackAnnotation>(out var custom))
        {
            if (custom.Callback is { } callback)
            {
                writer.WriteStartObject(resource.Name);
                await callback(context);
                writer.WriteEndObject();
            }
            return;
        }
        writer.WriteStartObject(resource.Name);
        switch (resource)
        {
            case ProjectResource project:
                writer.WriteString("type", "project.v0");
                writer.WriteString("path", context.GetManifestRelativePath(project.Annotations.OfType<IProjectMetadata>().Last().ProjectPath));
                await context.WriteEnvironmentVariablesAsync(project);
                context.WriteBindings(project);
                break;
            case PasswordParameterResource parameter:
                writer.WriteString("type", "parameter.v0");
                writer.WriteString("value", $"{{{parameter.Name}.inputs.value}}");
                writer.WriteStartObject("inputs");
                writer.WriteStartObject("value");
                writer.WriteString("type", "string");
                writer.WriteBoolean("secret", true);
                writer.WriteStartObject("default");
                writer.WriteStartObject("generate");
                writer.WriteNumber("minLength", 22);
                writer.WriteBoolean("special", false);
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case ExecutableResource executable:
                writer.WriteString("type", "executable.v0");
                writer.WriteString("workingDirectory", context.GetManifestRelativePath(executable.WorkingDirectory));
                writer.WriteString("command", executable.Command);
                await context.WriteCommandLineArgumentsAsync(executable);
                await context.WriteEnvironmentVariablesAsync(executable);
                context.WriteBindings(executable);
                break;
            default:
                writer.WriteString("error", "This resource does not support generation in the manifest.");
                break;
        }
        writer.WriteEndObject();
    }
}
