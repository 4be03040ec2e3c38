using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CowAspire.Api.Quotes;

/// <summary>Publishes the next catalog quote every <see cref="QuoteOptions.PublishInterval"/>.</summary>
public sealed class QuotePublisher(
    QuoteCatalog catalog, QuoteStore store, IOptions<QuoteOptions> options, TimeProvider time, ILogger<QuotePublisher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PublishInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var published = await store.PublishAsync(catalog.Next(), idempotencyKey: null, stoppingToken);
                    logger.QuotePublished(published.Quote.Id);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException or QuoteNotAcknowledgedException)
                {
                    // A tick missed while Redis is away is skipped, not queued: the schedule is a show, not a ledger.
                    logger.PublishSkipped(ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
