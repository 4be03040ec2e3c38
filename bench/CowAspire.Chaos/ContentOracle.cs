using CowAspire.Contracts;

namespace CowAspire.Chaos;

/// <summary>What the oracle found: violations (each a sentence), and counts for the report.</summary>
public sealed class OracleVerdict
{
    public List<string> Violations { get; } = [];

    /// <summary>Quotes a client received that neither a 201 nor history holds (e.g. of an epoch Redis lost): nothing to compare with.</summary>
    public List<string> Unverifiable { get; } = [];

    public int Delivered { get; set; }

    public int Covered { get; set; }

    public int Expected { get; set; }
}

/// <summary>
/// Compares, per client, what it received with what the publishers were told (201 answers, each with its quote) and
/// with what history holds at the end, by content and not by ids alone: every acknowledged quote reaches every client
/// exactly once with its own <c>publishedAt</c>, unless an announced <c>reset</c> or <c>historyGap</c> covers it; no
/// client receives a quote other than the one a 201 or history holds under its id; no duplicate, nothing out of order.
/// </summary>
public static class ContentOracle
{
    private const int ListedPerKind = 40;

    public static OracleVerdict Judge(IReadOnlyList<EventSourceClient> clients, IReadOnlyCollection<PublishedQuote> published,
        string? historyEpoch, IReadOnlyDictionary<long, QuoteEnvelope> history)
    {
        var verdict = new OracleVerdict();
        var acknowledged = new Dictionary<(string Epoch, long Id), QuoteEnvelope>();
        foreach (var quote in published.Select(p => p.Acknowledged).OfType<QuoteEnvelope>())
        {
            if (acknowledged.TryGetValue((quote.Epoch, quote.Id), out var other) && other.Text != quote.Text)
            {
                verdict.Violations.Add($"id {quote.EventId} was acknowledged (201) for two quotes: '{other.Text}' published {other.PublishedAt:HH:mm:ss.ff} and '{quote.Text}' published {quote.PublishedAt:HH:mm:ss.ff}");
            }
            acknowledged[(quote.Epoch, quote.Id)] = quote;
        }
        var oldestKept = history.Count > 0 ? history.Keys.Min() : long.MaxValue;
        foreach (var quote in acknowledged.Values.Where(q => q.Epoch == historyEpoch && q.Id >= oldestKept).OrderBy(q => q.Id))
        {
            if (!history.TryGetValue(quote.Id, out var kept) || kept.PublishedAt != quote.PublishedAt || kept.Text != quote.Text)
            {
                verdict.Violations.Add($"acknowledged quote {quote.EventId} ('{quote.Text}', {quote.PublishedAt:HH:mm:ss.ff}) is " +
                    (kept is null ? "not in history" : $"not what history holds under its id ('{kept.Text}', {kept.PublishedAt:HH:mm:ss.ff})"));
            }
        }
        var unknown = published.Count(p => p.Acknowledged is null);
        if (unknown > 0)
        {
            verdict.Violations.Add($"{unknown} keyed quote(s) never got a 201 while retried with their key until the settle limit (outcome unknown), e.g. " +
                string.Join("; ", published.Where(p => p.Acknowledged is null).Take(5).Select(p => $"'{p.Text}' ({p.Attempts} tries, last {p.LastRefusal})")));
        }

        QuoteEnvelope? Reference(string epoch, long id) =>
            acknowledged.GetValueOrDefault((epoch, id)) ?? (epoch == historyEpoch ? history.GetValueOrDefault(id) : null);

        foreach (var client in clients)
        {
            JudgeClient(client, acknowledged, Reference, verdict);
        }
        return verdict;
    }

    private static void JudgeClient(EventSourceClient client, Dictionary<(string Epoch, long Id), QuoteEnvelope> acknowledged,
        Func<string, long, QuoteEnvelope?> reference, OracleVerdict verdict)
    {
        var name = $"client {client.Number}";
        var received = client.Received;
        var delivered = new Dictionary<(string, long), int>();
        var covered = new List<(string Epoch, long After, long Before)>();
        var newest = new Dictionary<string, long>();
        string? epoch = null;
        var problems = new List<string>();
        for (var i = 0; i < received.Count; i++)
        {
            switch (received[i])
            {
                case ReceivedQuote quote:
                {
                    var count = delivered[(quote.Epoch, quote.Id)] = delivered.GetValueOrDefault((quote.Epoch, quote.Id)) + 1;
                    if (count > 1)
                    {
                        problems.Add($"{name} received quote {quote.Id}-{quote.Epoch} {count} times");
                    }
                    else if (quote.Epoch == epoch && quote.Id <= newest.GetValueOrDefault(quote.Epoch))
                    {
                        problems.Add($"{name} received quote {quote.Id}-{quote.Epoch} after {newest[quote.Epoch]} (out of order)");
                    }
                    if (reference(quote.Epoch, quote.Id) is not { } expected)
                    {
                        verdict.Unverifiable.Add($"{name}: {quote.Id}-{quote.Epoch} published {quote.PublishedAt:HH:mm:ss.ff}");
                    }
                    else if (expected.PublishedAt != quote.PublishedAt)
                    {
                        problems.Add($"{name} received quote {quote.Id}-{quote.Epoch} published {quote.PublishedAt:HH:mm:ss.ff}, but the quote under that id is '{expected.Text}' published {expected.PublishedAt:HH:mm:ss.ff}");
                    }
                    epoch = quote.Epoch;
                    newest[quote.Epoch] = Math.Max(quote.Id, newest.GetValueOrDefault(quote.Epoch));
                    break;
                }
                case ReceivedReset reset:
                    // Redis lost the epoch the client was in: what it had not received of it is gone, and said so.
                    if (epoch is not null && epoch != reset.Epoch)
                    {
                        covered.Add((epoch, newest.GetValueOrDefault(epoch), long.MaxValue));
                    }
                    covered.Add((reset.Epoch, 0, reset.After + 1));
                    epoch = reset.Epoch;
                    newest[reset.Epoch] = reset.After;
                    break;
                case ReceivedGap gap:
                {
                    // The gap is in the epoch the client continues in: the next quote's, else the one it was in.
                    var gapEpoch = received.Skip(i + 1).OfType<ReceivedQuote>().FirstOrDefault()?.Epoch ?? epoch;
                    if (gapEpoch is not null)
                    {
                        covered.Add((gapEpoch, gap.RequestedAfter, gap.ResumedFrom ?? long.MaxValue));
                    }
                    break;
                }
            }
        }
        verdict.Delivered += delivered.Values.Sum();

        var missing = new List<(string Epoch, long Id)>();
        foreach (var key in acknowledged.Keys.OrderBy(k => k.Epoch, StringComparer.Ordinal).ThenBy(k => k.Id))
        {
            verdict.Expected++;
            if (delivered.ContainsKey(key))
            {
                continue;
            }
            if (covered.Any(c => c.Epoch == key.Epoch && key.Id > c.After && key.Id < c.Before))
            {
                verdict.Covered++;
            }
            else
            {
                missing.Add(key);
            }
        }
        if (client.Failure is { } failure)
        {
            problems.Insert(0, $"{name} {failure} (EventSource gives up): {missing.Count} acknowledged quote(s) not received");
        }
        else if (missing.Count > 0)
        {
            problems.Add($"{name} never received {missing.Count} acknowledged quote(s) with no reset or historyGap covering them: {Ranges(missing)}");
        }
        verdict.Violations.AddRange(problems.Take(ListedPerKind));
        if (problems.Count > ListedPerKind)
        {
            verdict.Violations.Add($"{name}: {problems.Count - ListedPerKind} more like these");
        }
    }

    /// <summary>Ids as runs (<c>12–19, 25 of epoch abc</c>), so a lost stretch reads as one line.</summary>
    private static string Ranges(IEnumerable<(string Epoch, long Id)> keys) =>
        string.Join("; ", keys.GroupBy(k => k.Epoch).Select(g =>
        {
            var runs = new List<string>();
            var ids = g.Select(k => k.Id).Order().ToList();
            for (var start = 0; start < ids.Count;)
            {
                var end = start;
                while (end + 1 < ids.Count && ids[end + 1] == ids[end] + 1)
                {
                    end++;
                }
                runs.Add(end == start ? $"{ids[start]}" : $"{ids[start]}–{ids[end]}");
                start = end + 1;
            }
            return $"{string.Join(", ", runs)} of epoch {g.Key}";
        }));
}
