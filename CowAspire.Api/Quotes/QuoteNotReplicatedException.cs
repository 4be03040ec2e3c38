namespace CowAspire.Api.Quotes;

/// <summary>The quote went out but not enough replicas confirmed it in time: it is not acknowledged.</summary>
public sealed class QuoteNotReplicatedException(long id, long replicas, int required)
    : Exception($"Quote {id} reached {replicas} of the {required} replica(s) required within the replication timeout.")
{
    public long Id { get; } = id;
}
