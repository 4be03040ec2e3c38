using System.Diagnostics;
using System.Net;
using System.Net.ServerSentEvents;

namespace CowAspire.Bench;

/// <summary>
/// One system, one scenario: open K SSE streams (K/100 HTTP/2 connections, 100 streams each), wait until every
/// stream is subscribed (the first bytes of its body have arrived) and has received a warm-up message, publish M
/// messages at a fixed rate, wait for them all to arrive (or the drain time to pass), then close everything.
/// Subscribers behave as EventSource does: when a stream ends or breaks they reconnect with Last-Event-ID.
/// The subject is started before and stopped after (by the caller), so one system can take a warm-up round first.
/// </summary>
public sealed class LoadRun(ISubject subject, BenchOptions options, int streams, int messages, bool primer = false)
{
    private readonly int _messages = messages;
    private readonly Subscriber[] _subscribers = new Subscriber[streams];

    /// <summary>Receipt timestamp of message s at subscriber i, at [i * (M + 1) + s]; 0 = not received.</summary>
    private readonly long[] _received = new long[streams * (messages + 1)];

    private readonly long[] _sent = new long[messages + 1];
    private int _established;
    private int _failed;
    private int _warmedUp;
    private int _delivered;

    public async Task<SystemResult> RunAsync(CancellationToken cancellationToken)
    {
        var result = new SystemResult
        {
            System = subject.Name,
            Streams = streams,
            Messages = _messages,
            GatewayLabel = subject.GatewayLabel,
            AllLabel = subject.AllLabel,
        };
        using var sampler = new MemorySampler(subject);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        result.Idle = Snapshot.Take(subject);

        // Connect.
        var connections = (streams + options.StreamsPerConnection - 1) / options.StreamsPerConnection;
        var handlers = Enumerable.Range(0, connections).Select(_ => new HttpMessageInvoker(NewHandler(subject))).ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var connectStart = Stopwatch.GetTimestamp();
        var tasks = new Task[streams];
        for (var i = 0; i < streams; i++)
        {
            var subscriber = _subscribers[i] = new Subscriber(i);
            var invoker = handlers[i / options.StreamsPerConnection];
            tasks[i] = Task.Run(() => SubscribeAsync(subscriber, invoker, stop.Token), CancellationToken.None);
        }
        try
        {
            await WaitUntilAsync(() => Volatile.Read(ref _established) + Volatile.Read(ref _failed) >= streams, options.ConnectTimeout, cancellationToken);
            result.Established = _established;
            result.Failed = streams - _established;
            var lastFirstByte = _subscribers.Where(s => s.FirstByte != 0).Select(s => s.FirstByte).DefaultIfEmpty(connectStart).Max();
            result.ConnectSeconds = Stopwatch.GetElapsedTime(connectStart, lastFirstByte).TotalSeconds;
            result.Connections = connections;
            result.Protocols = string.Join(", ", _subscribers.Where(s => s.Version is not null).GroupBy(s => s.Version!.ToString())
                .Select(g => $"HTTP/{g.Key} ×{g.Count()}"));
            result.OpenFailures = string.Join(", ", _subscribers.Where(s => s.FailedStatus is not null).GroupBy(s => s.FailedStatus)
                .Select(g => $"{g.Key} ×{g.Count()}"));
            result.AfterConnect = Snapshot.Take(subject);
            Console.WriteLine($"  {subject.Name}{(primer ? " (warm-up round)" : "")}: {result.Established}/{streams} streams on {connections} connections in {result.ConnectSeconds:F2} s");

            // Warm-up: one message every subscribed stream must see before measuring starts.
            _sent[0] = Stopwatch.GetTimestamp();
            await subject.PublishAsync(0, cancellationToken);
            await WaitUntilAsync(() => Volatile.Read(ref _warmedUp) >= Volatile.Read(ref _established), options.WarmupTimeout, cancellationToken);
            result.WarmedUp = _warmedUp;
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            result.Connected = Snapshot.Take(subject);

            // Publish M messages at the rate, without waiting for one publish to finish before the next is due.
            var publishes = new List<Task<(int Status, double Ms)>>(_messages);
            var publishStart = Stopwatch.GetTimestamp();
            for (var seq = 1; seq <= _messages; seq++)
            {
                var due = TimeSpan.FromSeconds((seq - 1) / options.Rate) - Stopwatch.GetElapsedTime(publishStart);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, cancellationToken);
                }
                _sent[seq] = Stopwatch.GetTimestamp();
                publishes.Add(TimedPublishAsync(seq, cancellationToken));
            }
            var publishDone = await Task.WhenAll(publishes);
            result.PublishSeconds = Stopwatch.GetElapsedTime(publishStart).TotalSeconds;
            result.PublishFailures = publishDone.Count(p => p.Status is < 200 or > 299);
            result.PublishP50Ms = Percentile([.. publishDone.Select(p => p.Ms).Order()], 0.50);

            var expected = (long)Volatile.Read(ref _established) * _messages;
            await WaitUntilAsync(() => Volatile.Read(ref _delivered) >= expected, options.DrainTimeout, cancellationToken);
            result.End = Snapshot.Take(subject);
            result.EndSeconds = Stopwatch.GetElapsedTime(publishStart).TotalSeconds;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None));
            foreach (var handler in handlers)
            {
                handler.Dispose();
            }
            result.PeakGatewayRssKb = sampler.PeakGatewayKb;
            result.PeakAllRssKb = sampler.PeakAllKb;
        }

        Tally(result);
        return result;
    }

    private async Task<(int Status, double Ms)> TimedPublishAsync(int seq, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var status = await subject.PublishAsync(seq, cancellationToken);
            return (status, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        catch (HttpRequestException)
        {
            return (0, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    private void Tally(SystemResult result)
    {
        var latencies = new List<double>(Math.Max(0, _delivered));
        var complete = 0;
        for (var i = 0; i < streams; i++)
        {
            var s = _subscribers[i];
            if (s.FirstByte == 0)
            {
                continue;
            }
            var got = 0;
            for (var seq = 1; seq <= _messages; seq++)
            {
                var at = _received[(i * (_messages + 1)) + seq];
                if (at != 0)
                {
                    got++;
                    latencies.Add(Math.Max(0, Stopwatch.GetElapsedTime(_sent[seq], at).TotalMilliseconds));
                }
            }
            if (got == _messages)
            {
                complete++;
            }
            result.Duplicates += s.Duplicates;
            result.Reconnects += s.Reconnects;
            result.OtherEvents += s.Other;
            result.DataBytes += s.DataBytes;
            result.DataEvents += s.DataEvents;
            result.BodyReads += s.Reads;
            result.BodyBytes += s.BytesRead;
        }
        // Per client connection: the median latency of its slowest and fastest, to tell one stalled connection from a slow server.
        var perConnection = Enumerable.Range(0, (streams + options.StreamsPerConnection - 1) / options.StreamsPerConnection)
            .Select(c => ConnectionMedian(c)).Where(double.IsFinite).Order().ToList();
        if (perConnection.Count > 0)
        {
            result.ConnectionMedianSpread = $"{perConnection[0]:F0} – {perConnection[^1]:F0}";
        }
        result.Delivered = latencies.Count;
        result.Expected = (long)result.Established * _messages;
        result.CompleteSubscribers = complete;
        latencies.Sort();
        result.LatencyP50Ms = Percentile(latencies, 0.50);
        result.LatencyP90Ms = Percentile(latencies, 0.90);
        result.LatencyP99Ms = Percentile(latencies, 0.99);
        result.LatencyP999Ms = Percentile(latencies, 0.999);
        result.LatencyMaxMs = latencies.Count > 0 ? latencies[^1] : double.NaN;
    }

    private double ConnectionMedian(int connection)
    {
        var values = new List<double>();
        var first = connection * options.StreamsPerConnection;
        for (var i = first; i < Math.Min(streams, first + options.StreamsPerConnection); i++)
        {
            for (var seq = 1; seq <= _messages; seq++)
            {
                var at = _received[(i * (_messages + 1)) + seq];
                if (at != 0)
                {
                    values.Add(Stopwatch.GetElapsedTime(_sent[seq], at).TotalMilliseconds);
                }
            }
        }
        values.Sort();
        return Percentile(values, 0.5);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private async Task SubscribeAsync(Subscriber s, HttpMessageInvoker invoker, CancellationToken stop)
    {
        string? lastEventId = null;
        var first = true;
        while (!stop.IsCancellationRequested)
        {
            var reconnectDelay = TimeSpan.FromSeconds(1);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, subject.SubscribeUrl)
                {
                    Version = subject.SubscribeVersion,
                    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                };
                request.Headers.Accept.ParseAdd("text/event-stream");
                if (lastEventId is not null)
                {
                    request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
                }
                using var response = await invoker.SendAsync(request, stop);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    if (first)
                    {
                        s.FailedStatus = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                        Interlocked.Increment(ref _failed);
                        return;
                    }
                    s.Errors++;
                }
                else
                {
                    s.Version = response.Version;
                    var body = await response.Content.ReadAsStreamAsync(stop);
                    await using var signalling = new FirstReadStream(body, () =>
                    {
                        if (s.FirstByte == 0)
                        {
                            s.FirstByte = Stopwatch.GetTimestamp();
                            Interlocked.Increment(ref _established);
                        }
                    }, read =>
                    {
                        s.Reads++;
                        s.BytesRead += read;
                    });
                    first = false;
                    var parser = SseParser.Create(signalling, static (_, data) => new Received(Messages.ParseSeq(data), Stopwatch.GetTimestamp(), data.Length));
                    await foreach (var item in parser.EnumerateAsync(stop))
                    {
                        if (item.EventId is { Length: > 0 } id)
                        {
                            lastEventId = id;
                        }
                        Record(s, item.Data);
                    }
                    if (parser.ReconnectionInterval > TimeSpan.Zero && parser.ReconnectionInterval < TimeSpan.FromSeconds(5))
                    {
                        reconnectDelay = parser.ReconnectionInterval;
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                if (first)
                {
                    s.FailedStatus = ex.GetType().Name;
                    Interlocked.Increment(ref _failed);
                    return;
                }
                s.Errors++;
            }
            if (stop.IsCancellationRequested)
            {
                return;
            }
            s.Reconnects++;
            try
            {
                await Task.Delay(reconnectDelay, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Record(Subscriber s, Received r)
    {
        if (r.Seq < 0 || r.Seq > _messages)
        {
            s.Other++;
            return;
        }
        ref var slot = ref _received[(s.Index * (_messages + 1)) + r.Seq];
        if (slot != 0)
        {
            s.Duplicates++;
            return;
        }
        slot = r.Timestamp;
        s.DataBytes += r.Length;
        s.DataEvents++;
        if (r.Seq == 0)
        {
            Interlocked.Increment(ref _warmedUp);
        }
        else
        {
            Interlocked.Increment(ref _delivered);
        }
    }

    private static SocketsHttpHandler NewHandler(ISubject subject) => new()
    {
        // One handler per group of streams, one connection per handler: the layout is fixed by the bench, not by the
        // servers' SETTINGS_MAX_CONCURRENT_STREAMS (1000 on both, which would put 1000 streams on one connection).
        EnableMultipleHttp2Connections = false,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        // Loopback servers with their own certificates: accept exactly those (the dev certificate, the run's own).
        SslOptions =
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None || (certificate is not null && subject.Trusts(certificate)),
        },
    };

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (!condition() && waited.Elapsed < timeout)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    private readonly record struct Received(int Seq, long Timestamp, int Length);

    private sealed class Subscriber(int index)
    {
        public int Index { get; } = index;
        public long FirstByte { get; set; }
        public Version? Version { get; set; }
        public string? FailedStatus { get; set; }
        public int Duplicates { get; set; }
        public int Reconnects { get; set; }
        public int Errors { get; set; }
        public int Other { get; set; }
        public long DataBytes { get; set; }
        public int DataEvents { get; set; }
        public long Reads { get; set; }
        public long BytesRead { get; set; }
    }
}
