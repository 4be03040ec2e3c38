namespace CowAspire.Tests.Infrastructure;

/// <summary>A client's deliveries at one moment: taken before history is read, so nothing delivered later is checked against an older history.</summary>
public sealed record DeliveredSnapshot(IReadOnlyList<long> Ids, IReadOnlyList<DeliveredQuote> Quotes);
