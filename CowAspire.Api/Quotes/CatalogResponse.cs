namespace CowAspire.Api.Quotes;

public sealed record CatalogResponse(IReadOnlyList<CatalogEntry> Quotes);
