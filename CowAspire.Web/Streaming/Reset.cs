namespace CowAspire.Web.Streaming;

public sealed record Reset(string Epoch, long After, string Reason);
