using CowAspire.Contracts;
using Microsoft.Extensions.Options;

namespace CowAspire.Web.Streaming;

/// <summary>The two streams a client can ask for, each a new plan for one stream.</summary>
public sealed class QuoteStreams(QuoteHistory history, IOptions<StreamingOptions> options, GatewayMetrics metrics)
{
    /// <inheritdoc cref="LivePlan"/>
    public StreamPlan Live(QuoteEventId? lastEventId) => new LivePlan(lastEventId, history, options.Value, metrics);

    /// <inheritdoc cref="ShowPlan"/>
    public StreamPlan Show(int count) => new ShowPlan(count);
}
