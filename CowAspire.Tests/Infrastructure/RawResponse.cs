namespace CowAspire.Tests.Infrastructure;

/// <summary>What a hand-written HTTP/1.1 client saw: status, headers and the (de-chunked) body.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
