namespace CowAspire.Contracts;

/// <param name="Newest">The newest id given out in <paramref name="Epoch"/>; 0 before its first quote.</param>
public sealed record QuoteState(string Epoch, long Newest);
