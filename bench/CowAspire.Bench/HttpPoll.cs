namespace CowAspire.Bench;

/// <summary>GET until an address answers as wanted: how each subject waits for its server to be ready.</summary>
public static class HttpPoll
{
    /// <summary>
    /// GETs <paramref name="url"/> every <paramref name="interval"/> until <paramref name="answered"/> holds for a
    /// response; a refused or broken connection counts as not yet. <paramref name="gaveUp"/>, asked before each try,
    /// ends the wait with its reason (the server's process has exited, its deadline has passed), or null to go on.
    /// </summary>
    public static async Task UntilAsync(HttpClient http, Uri url, Func<HttpResponseMessage, bool> answered, Func<string?> gaveUp,
        TimeSpan interval, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (gaveUp() is { } reason)
            {
                throw new InvalidOperationException(reason);
            }
            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                if (answered(response))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(interval, cancellationToken);
        }
    }
}
