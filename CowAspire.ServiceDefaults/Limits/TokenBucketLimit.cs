namespace CowAspire.ServiceDefaults.Limits;

/// <summary>A bucket of <paramref name="Burst"/> tokens refilled at <paramref name="PerSecond"/>; refusals say <paramref name="Title"/> and <paramref name="Detail"/>, in the caller's words.</summary>
public sealed record TokenBucketLimit(int Burst, double PerSecond, int RetryAfterSeconds, string Title, string Detail);
