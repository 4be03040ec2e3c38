namespace CowAspire.Tests.Infrastructure;

/// <param name="PublishedAt">From the quote's <c>&lt;time datetime&gt;</c>: with its id, what tells one quote's content from another's.</param>
public sealed record DeliveredQuote(long Id, string Epoch, DateTimeOffset PublishedAt);
