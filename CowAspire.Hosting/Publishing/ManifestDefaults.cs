using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Publishing;

/// <summary>
/// What a project gets wherever it is deployed, as Aspire's manifest gives it: OTLP export settings, forwarded headers
/// (it runs behind an ingress), and Kestrel listening on each plain-HTTP binding's target port. HTTPS bindings get no
/// Kestrel endpoint: TLS ends at the ingress or load balancer, where the certificate is.
/// </summary>
internal static class ManifestDefaults
{
    public static IReadOnlyDictionary<string, object> For(IResource resource)
    {
        if (resource is not ProjectResource)
        {
            return new Dictionary<string, object>();
        }
        var variables = new Dictionary<string, object>
        {
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES"] = "true",
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES"] = "true",
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory",
            ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
        };
        foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme == "http"))
        {
            variables[$"Kestrel__Endpoints__{endpoint.Name}__Url"] = $"http://*:{{{resource.Name}.bindings.{endpoint.Name}.targetPort}}";
            if (endpoint.Transport == "http2")
            {
                variables[$"Kestrel__Endpoints__{endpoint.Name}__Protocols"] = "Http2";
            }
        }
        return variables;
    }
}
