namespace CowAspire.Web.Quotes;

internal static class QuoteForwardingExtensions
{
    public static IHostApplicationBuilder AddQuoteForwarding(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpClient<ApiClient>(http => http.BaseAddress = new Uri("https+http://api"));
        return builder;
    }
}
