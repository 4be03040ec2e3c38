using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A string with holes for values known only at run time (<c>$"{endpoint.Host}:{endpoint.Port}"</c>): resolved for
/// a process when it starts, written as placeholders in a deployment manifest.
/// </summary>
public class ReferenceExpression : IManifestExpressionProvider, IValueProvider, IValueWithReferences
{
    private readonly string[] _manifestExpressions;

    private ReferenceExpression(string format, IValueProvider[] valueProviders, string[] manifestExpressions)
    {
        Format = format;
        ValueProviders = valueProviders;
        _manifestExpressions = manifestExpressions;
    }

    /// <summary>A composite format string: <c>{0}</c>, <c>{1}</c>… stand for <see cref="ValueProviders"/>.</summary>
    public string Format { get; }

    public IReadOnlyList<IValueProvider> ValueProviders { get; }

    public string ValueExpression => string.Format(CultureInfo.InvariantCulture, Format, _manifestExpressions);

    IEnumerable<object> IValueWithReferences.References => ValueProviders;

    public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default)
    {
        var values = new object?[ValueProviders.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = await ValueProviders[i].GetValueAsync(cancellationToken);
        }
        return string.Format(CultureInfo.InvariantCulture, Format, values);
    }

    public static ReferenceExpression Create(in ExpressionInterpolatedStringHandler handler) => handler.GetExpression();

    public override string ToString() => ValueExpression;

    [InterpolatedStringHandler]
    public ref struct ExpressionInterpolatedStringHandler
    {
        private readonly StringBuilder _format;
        private readonly List<IValueProvider> _providers;
        private readonly List<string> _expressions;

        public ExpressionInterpolatedStringHandler(int literalLength, int formattedCount)
        {
            _format = new StringBuilder(literalLength + (formattedCount * 4));
            _providers = new List<IValueProvider>(formattedCount);
            _expressions = new List<string>(formattedCount);
        }

        public readonly void AppendLiteral(string value) =>
            _format.Append(value.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));

        public readonly void AppendFormatted(string? value) => AppendLiteral(value ?? "");

        public readonly void AppendFormatted(int value) => AppendLiteral(value.ToString(CultureInfo.InvariantCulture));

        public readonly void AppendFormatted<T>(T value) where T : IValueProvider, IManifestExpressionProvider
        {
            _format.Append('{').Append(_providers.Count.ToString(CultureInfo.InvariantCulture)).Append('}');
            _providers.Add(value);
            _expressions.Add(value.ValueExpression);
        }

        internal readonly ReferenceExpression GetExpression() => new(_format.ToString(), [.. _providers], [.. _expressions]);
    }
}
