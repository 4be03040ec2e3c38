using System.Diagnostics;
using CowAspire.Bench.Client;

namespace CowAspire.Bench;

/// <summary>
/// One system, one scenario: open K SSE streams, each on its own TCP + TLS connection from its own client (as K
/// browsers), at most <see cref="BenchOptions.ConnectConcurrency"/> being set up at once; wait until every stream
/// is subscribed (its first body bytes have arrived) and has received a warm-up message; publish M messages at a
/// fixed rate; wait for them all to arrive (or the drain time to pass); then close everything. Subscribers behave
/// as EventSource does: when a stream ends or breaks they reconnect with Last-Event-ID. The subject is started
/// before and stopped after (by the caller), so one system can take a warm-up round first.
/// </summary>
public sealed class LoadRun(ISubject subject, BenchOptions options, WireProtocol protocol, int streams, int messages, bool primer = false)
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

    /// <summary>Runs while the fan-out is under way (the profiler), given the time it has.</summary>
    public Func<TimeSpan, CancellationToken, Task>? DuringFanOut { get; init; }

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

        var endpoint = SseEndpoint.From(subject.SubscribeUrlFor(protocol), protocol, subject.Trusts);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var gate = new SemaphoreSlim(options.ConnectConcurrency);
        var connectStart = Stopwatch.GetTimestamp();
        var tasks = new Task[streams];
        for (var i = 0; i < streams; i++)
        {
            var subscriber = _subscribers[i] = new Subscriber(this, i);
            tasks[i] = Task.Run(() => SubscribeAsync(subscriber, endpoint, gate, stop.Token), CancellationToken.None);
        }
        Task? during = null;
        try
        {
            await WaitUntilAsync(() => Volatile.Read(ref _established) + Volatile.Read(ref _failed) >= streams, options.ConnectTimeout, cancellationToken);
            result.Established = _established;
            result.Failed = streams - _established;
            var lastFirstByte = _subscribers.Where(s => s.FirstByte != 0).Select(s => s.FirstByte).DefaultIfEmpty(connectStart).Max();
            result.ConnectSeconds = Stopwatch.GetElapsedTime(connectStart, lastFirstByte).TotalSeconds;
            result.Connections = streams;
            result.Protocols = SseEndpoint.Name(protocol);
            result.OpenFailures = string.Join(", ", _subscribers.Where(s => s.FailedStatus is not null).GroupBy(s => s.FailedStatus)
                .Select(g => $"{g.Key} ×{g.Count()}"));
            result.AfterConnect = Snapshot.Take(subject);
            Console.WriteLine($"  {subject.Name}{(primer ? " (warm-up round)" : "")}: {result.Established}/{streams} streams, one connection each " +
                $"({SseEndpoint.Name(protocol)}), in {result.ConnectSeconds:F2} s{(result.OpenFailures.Length > 0 ? $"; failed: {result.OpenFailures}" : "")}");

            // Warm-up: one message every subscribed stream must see before measuring starts.
            _sent[0] = Stopwatch.GetTimestamp();
            await subject.PublishAsync(0, cancellationToken);
            await WaitUntilAsync(() => Volatile.Read(ref _warmedUp) >= Volatile.Read(ref _established), options.WarmupTimeout, cancellationToken);
            result.WarmedUp = _warmedUp;
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            result.Connected = Snapshot.Take(subject);

            // Settle: the same load, unmeasured, so the measured fan-out is steady state (a profile showed .NET's JIT
            // still tiering up the write path for seconds after a small warm-up round, at 18 % of the gateway's CPU).
            await PublishAtRateAsync(Messages.SettleBase + 1, (int)Math.Round(options.SettleSeconds * options.Rate), null, cancellationToken);
            result.Settled = Snapshot.Take(subject);

            // Publish M messages at the rate, without waiting for one publish to finish before the next is due.
            var publishStart = Stopwatch.GetTimestamp();
            if (DuringFanOut is { } profiler)
            {
                during = profiler(TimeSpan.FromSeconds(_messages / options.Rate), cancellationToken);
            }
            var publishDone = await PublishAtRateAsync(1, _messages, _sent, cancellationToken);
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
            await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(TimeSpan.FromSeconds(15), CancellationToken.None));
            if (during is not null)
            {
                await Task.WhenAny(during, Task.Delay(TimeSpan.FromSeconds(30), CancellationToken.None));
            }
            result.PeakGatewayRssKb = sampler.PeakGatewayKb;
            result.PeakAllRssKb = sampler.PeakAllKb;
        }

        Tally(result);
        return result;
    }

    /// <summary>Publishes <paramref name="count"/> messages from <paramref name="first"/> at the rate, without waiting for one publish to finish before the next is due.</summary>
    private async Task<(int Status, double Ms)[]> PublishAtRateAsync(int first, int count, long[]? sent, CancellationToken cancellationToken)
    {
        var publishes = new List<Task<(int Status, double Ms)>>(count);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds(i / options.Rate) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }
            if (sent is not null)
            {
                sent[first + i] = Stopwatch.GetTimestamp();
            }
            publishes.Add(TimedPublishAsync(first + i, cancellationToken));
        }
        return await Task.WhenAll(publishes);
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
        var firstReceipt = FirstReceipts();
        var spreads = new List<double>(Math.Max(0, _delivered));
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
                    spreads.Add(Stopwatch.GetElapsedTime(firstReceipt[seq], at).TotalMilliseconds);
                }
            }
            if (got == _messages)
            {
                complete++;
            }
            result.Duplicates += s.Duplicates;
            result.Reconnects += s.Reconnects;
            result.OtherEvents += s.Other;
            result.DataBytes += s.EventBytes;
            result.DataEvents += s.DataEvents;
            result.BodyBytes += s.Scanner.BytesRead;
            result.AllEvents += s.AllEvents;
            result.SampleEvent ??= s.Scanner.Sample;
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
        spreads.Sort();
        result.SpreadP50Ms = Percentile(spreads, 0.50);
        result.SpreadP99Ms = Percentile(spreads, 0.99);
        result.SpreadP999Ms = Percentile(spreads, 0.999);
    }

    /// <summary>Per message, the earliest receipt at any subscriber (where its fan-out is first seen); 0 = received by none.</summary>
    private long[] FirstReceipts()
    {
        var first = new long[_messages + 1];
        for (var i = 0; i < streams; i++)
        {
            for (var seq = 1; seq <= _messages; seq++)
            {
                var at = _received[(i * (_messages + 1)) + seq];
                if (at != 0 && (first[seq] == 0 || at < first[seq]))
                {
                    first[seq] = at;
                }
            }
        }
        return first;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private async Task SubscribeAsync(Subscriber s, SseEndpoint endpoint, SemaphoreSlim gate, CancellationToken stop)
    {
        var source = SourceAddresses.For(s.Index);
        var first = true;
        while (!stop.IsCancellationRequested)
        {
            var reconnectDelay = TimeSpan.FromSeconds(1);
            // Only the set-up (TCP + TLS) holds the gate; the stream then lives on without it.
            var held = 0;
            try
            {
                await gate.WaitAsync(stop);
                held = 1;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var outcome = await SseConnection.RunAsync(endpoint, source, s.Scanner, s.Scanner.LastEventId,
                () =>
                {
                    if (Interlocked.Exchange(ref held, 0) == 1)
                    {
                        gate.Release();
                    }
                }, stop);
            if (Interlocked.Exchange(ref held, 0) == 1)
            {
                gate.Release();
            }
            if (stop.IsCancellationRequested)
            {
                return;
            }
            if (first && s.FirstByte == 0)
            {
                // Never subscribed: a refusal (status) or a failure to connect. Counted, not retried.
                s.FailedStatus = outcome.Error ?? outcome.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Interlocked.Increment(ref _failed);
                return;
            }
            first = false;
            if (outcome.Error is not null || outcome.Status != 200)
            {
                s.Errors++;
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

    private void Record(Subscriber s, int seq, long timestamp, int bytes)
    {
        if (seq > Messages.SettleBase)
        {
            return; // the settle phase's messages: delivered, not measured
        }
        if (seq < 0 || seq > _messages)
        {
            s.Other++;
            return;
        }
        ref var slot = ref _received[(s.Index * (_messages + 1)) + seq];
        if (slot != 0)
        {
            s.Duplicates++;
            return;
        }
        slot = timestamp;
        s.EventBytes += bytes;
        s.DataEvents++;
        if (seq == 0)
        {
            Interlocked.Increment(ref _warmedUp);
        }
        else
        {
            Interlocked.Increment(ref _delivered);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (!condition() && waited.Elapsed < timeout)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>One client: its connection's scanner and what it received. Touched by its own read loop only.</summary>
    private sealed class Subscriber : ISseSink
    {
        private readonly LoadRun _run;

        public Subscriber(LoadRun run, int index)
        {
            _run = run;
            Index = index;
            Scanner = new SseScanner(this) { KeepSample = index == 0 };
        }

        public int Index { get; }
        public SseScanner Scanner { get; }
        public long FirstByte { get; private set; }
        public string? FailedStatus { get; set; }
        public int Duplicates { get; set; }
        public int Reconnects { get; set; }
        public int Errors { get; set; }
        public int Other { get; set; }
        public long EventBytes { get; set; }
        public int DataEvents { get; set; }

        public void OnFirstBytes()
        {
            if (FirstByte == 0)
            {
                FirstByte = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref _run._established);
            }
        }

        /// <summary>Every event with data, the warm-up and settle phases' included (for bytes per event on the wire).</summary>
        public long AllEvents { get; private set; }

        public void OnEvent(int seq, long timestamp, int bytes)
        {
            AllEvents++;
            _run.Record(this, seq, timestamp, bytes);
        }
    }
}
