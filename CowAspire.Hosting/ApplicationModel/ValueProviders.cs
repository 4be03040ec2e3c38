namespace Aspire.Hosting.ApplicationModel;

/// <summary>A value known only when the app runs: a connection string, an endpoint's URL.</summary>
public interface IValueProvider
{
    ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default);
}

/// <summary>The placeholder a deployment manifest writes for a value known only at run time.</summary>
public interface IManifestExpressionProvider
{
    string ValueExpression { get; }
}

/// <summary>A value that refers to other resources (for relationships and manifests).</summary>
public interface IValueWithReferences
{
    IEnumerable<object> References { get; }
}

/// <summary>A resource others reach through a connection string (<c>ConnectionStrings__{name}</c>).</summary>
public interface IResourceWithConnectionString : IResource, IManifestExpressionProvider, IValueProvider, IValueWithReferences
{
    ReferenceExpression ConnectionStringExpression { get; }

    /// <summary>When set, the connection string is passed in this variable instead of <c>ConnectionStrings__{name}</c>.</summary>
    string? ConnectionStringEnvironmentVariable => null;

    string IManifestExpressionProvider.ValueExpression => $"{{{Name}.connectionString}}";

    IEnumerable<object> IValueWithReferences.References => [ConnectionStringExpression];

    ValueTask<string?> IValueProvider.GetValueAsync(CancellationToken cancellationToken) => GetConnectionStringAsync(cancellationToken);

    ValueTask<string?> GetConnectionStringAsync(CancellationToken cancellationToken = default) =>
        ConnectionStringExpression.GetValueAsync(cancellationToken);

    IEnumerable<KeyValuePair<string, ReferenceExpression>> GetConnectionProperties() => [];
}
