namespace CowAspire.Contracts;

/// <param name="Announced">
/// The newest id announced in <paramref name="Epoch"/> (0 before its first quote): history is read up to it, never
/// past it.
/// </param>
/// <param name="Newest">
/// The newest id given out, announced or not: an id past it was never given out in this epoch. After a failover the
/// announced id may lag behind ids clients already hold; those are not ahead.
/// </param>
public sealed record QuoteState(string Epoch, long Announced, long Newest);
