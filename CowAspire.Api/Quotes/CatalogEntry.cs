namespace CowAspire.Api.Quotes;

public sealed record CatalogEntry(string Text);
