namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A generated secret in the deployment manifest (<c>parameter.v0</c>): the deployment tool makes the value and keeps
/// it. Only in publish mode; a run generates its own.
/// </summary>
internal sealed class PasswordParameterResource(string name) : Resource(name), IManifestExpressionProvider
{
    public string ValueExpression => $"{{{Name}.value}}";
}
