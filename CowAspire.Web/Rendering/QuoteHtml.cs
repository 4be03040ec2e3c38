using System.Globalization;
using System.Text.Encodings.Web;
using CowAspire.Contracts;

namespace CowAspire.Web.Rendering;

/// <summary>
/// The HTML fragment for one quote, as the page swaps it in. Every piece of the quote passes through
/// <see cref="HtmlEncoder"/>: quote text is user input and never reaches a page unescaped.
/// </summary>
public static class QuoteHtml
{
    public static string Render(QuoteEnvelope quote)
    {
        ArgumentNullException.ThrowIfNull(quote);
        var encoder = HtmlEncoder.Default;
        var id = quote.Id.ToString(CultureInfo.InvariantCulture);
        // Line by line, so the drawing keeps real line breaks (which become several data: lines on the wire).
        var cow = string.Join('\n', Cowsay.Render(quote.Text).Split('\n').Select(encoder.Encode));
        var time = quote.PublishedAt.ToUniversalTime();
        return $"""
            <article class="quote" data-quote-id="{id}"><pre class="cow">{cow}</pre><footer>#{id} · <time datetime="{time:O}">{time:HH:mm:ss} UTC</time></footer></article>
            """;
    }
}
