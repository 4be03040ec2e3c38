using System.Net.ServerSentEvents;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace CowAspire.Floor;

/// <summary>
/// What a .NET developer writes by default: a bounded channel per client, drained by ASP.NET Core's
/// <c>TypedResults.ServerSentEvents</c> (one request task per client, woken for every event).
/// </summary>
public sealed class ChannelFanOut
{
    /// <summary>A first event on connect: the response's first body bytes, so the client counts the stream as open.</summary>
    private static readonly SseItem<string> Opened = new("open", "open");

    private readonly Lock _lock = new();
    private readonly HashSet<ChannelWriter<SseItem<string>>> _clients = [];
    private long _id;

    public ServerSentEventsResult<string> Subscribe(CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(ReadAsync(cancellationToken));

    public async Task<IResult> PublishAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var html = await QuoteEvent.ReadAsync(request, cancellationToken);
        lock (_lock)
        {
            var item = QuoteEvent.Item(html, ++_id);
            foreach (var client in _clients)
            {
                client.TryWrite(item);
            }
        }
        return TypedResults.Accepted((string?)null);
    }

    private async IAsyncEnumerable<SseItem<string>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<SseItem<string>>(new BoundedChannelOptions(100)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });
        lock (_lock)
        {
            _clients.Add(channel.Writer);
        }
        try
        {
            yield return Opened;
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return item;
            }
        }
        finally
        {
            lock (_lock)
            {
                _clients.Remove(channel.Writer);
            }
        }
    }
}
