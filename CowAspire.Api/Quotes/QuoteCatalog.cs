using Microsoft.Extensions.Options;

namespace CowAspire.Api.Quotes;

/// <summary>
/// The quotes the producer cycles through: the original post's ten and more, plus what users submit
/// (bounded: the oldest submitted quote leaves when the catalog is full).
/// </summary>
public sealed class QuoteCatalog
{
    private readonly Lock _gate = new();
    private readonly List<string> _quotes;
    private readonly int _seedCount;
    private readonly int _maxSubmitted;
    private int _next;

    public QuoteCatalog(IOptions<QuoteOptions> options)
        : this(ReadSeed(), options.Value.MaxCatalogSize)
    {
    }

    public QuoteCatalog(IEnumerable<string> seed, int maxSize)
    {
        _quotes = [.. seed];
        _seedCount = _quotes.Count;
        // The seed always stays; a catalog smaller than the seed still keeps the newest submitted quote.
        _maxSubmitted = Math.Max(1, maxSize - _seedCount);
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            return [.. _quotes];
        }
    }

    public string Next()
    {
        lock (_gate)
        {
            var quote = _quotes[_next % _quotes.Count];
            _next = (_next + 1) % _quotes.Count;
            return quote;
        }
    }

    public void Add(string text)
    {
        lock (_gate)
        {
            if (_quotes.Count - _seedCount >= _maxSubmitted)
            {
                _quotes.RemoveAt(_seedCount);
            }
            _quotes.Add(text);
        }
    }

    private static List<string> ReadSeed()
    {
        using var stream = typeof(QuoteCatalog).Assembly.GetManifestResourceStream("CowAspire.Api.quotes.txt")
            ?? throw new InvalidOperationException("The embedded quotes.txt is missing from the build.");
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                lines.Add(line.Trim());
            }
        }
        return lines;
    }
}
