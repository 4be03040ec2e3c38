using System.Diagnostics.CodeAnalysis;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace CowAspire.Web.Quotes;

/// <summary>
/// A JSON body as UTF-8, decoded from the charset it declares the way the Api's <c>ReadFromJsonAsync</c> decodes it
/// (<see cref="Encoding.GetEncoding(string)"/> on the parameter as sent), so that the gateway takes and refuses
/// exactly the bodies the Api does; the Api is then sent UTF-8, which is what the forwarded request says it is.
/// </summary>
internal static class RequestCharset
{
    /// <returns>False when the charset names no encoding .NET has (the Api answers 415 to it).</returns>
    public static bool TryReadAsUtf8(string? contentType, byte[] body, [NotNullWhen(true)] out byte[]? utf8)
    {
        var charset = MediaTypeHeaderValue.TryParse(contentType, out var mediaType) ? mediaType.Charset : default;
        if (!charset.HasValue || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            utf8 = body;
            return true;
        }
        Encoding encoding;
        try
        {
            encoding = Encoding.GetEncoding(charset.Value);
        }
        catch (ArgumentException)
        {
            utf8 = null;
            return false;
        }
        utf8 = encoding.CodePage == Encoding.UTF8.CodePage ? body : Encoding.Convert(encoding, Encoding.UTF8, body);
        return true;
    }
}
