using CowAspire.Api.Limits;

namespace CowAspire.Api.Quotes;

internal static class QuotesExtensions
{
    public static IHostApplicationBuilder AddQuotes(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<QuoteOptions>()
            .BindConfiguration(QuoteOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddOptions<ApiLimitOptions>()
            .BindConfiguration(ApiLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<QuoteCatalog>();
        builder.Services.AddSingleton<QuoteMetrics>();
        builder.Services.AddSingleton<QuoteStore>();
        builder.Services.AddHostedService<QuotePublisher>();
        return builder;
    }
}
