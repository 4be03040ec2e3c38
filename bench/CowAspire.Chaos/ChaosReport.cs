using System.Globalization;
using System.Text;
using CowAspire.Bench;

namespace CowAspire.Chaos;

/// <summary>bench/CHAOS.md: what was run, where, every fault with its time, the counts, and every violation.</summary>
public static class ChaosReport
{
    private const int ListedUnverifiable = 20;

    public static string Render(ChaosOptions options, Machine machine, DateTimeOffset started, TimeSpan took,
        IReadOnlyList<InjectedFault> faults, IReadOnlyList<EventSourceClient> clients, Publishers? publishers,
        OracleVerdict? verdict, string? error, string stopNotes, ChaosLog log)
    {
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        Line("# Chaos soak");
        Line();
        Line("Issue 21's chaos soak: the whole app through its AppHost, scripted EventSource clients over HTTP/2 through DCP's");
        Line("proxy, keyed publishers to the Api, one fault at a time; then the content oracle compares what each client received");
        Line("with the 201 answers and with Redis history (see bench/README.md, \"Chaos soak\").");
        Line();
        Line("```sh");
        Line(options.Command);
        Line("```");
        Line();
        Line(string.Create(CultureInfo.InvariantCulture, $"Started {started:yyyy-MM-dd HH:mm:ss zzz}, took {took.TotalMinutes:F1} min ({options.Minutes:0.#} min of load and faults); ") +
            string.Create(CultureInfo.InvariantCulture, $"{options.Clients} clients, {options.Rate:0.#} quotes/s, Redis {(options.Sentinel ? "with Sentinel (primary, replica, 3 Sentinels)" : "alone")}, " +
            $"seed {options.Seed}, {options.RecoverSeconds} s to recover after each fault."));
        Line();
        Line("| machine | |");
        Line("|---|---|");
        foreach (var (name, value) in machine.Facts)
        {
            Line($"| {name} | {value} |");
        }
        Line();
        Line("## Verdict");
        Line();
        if (error is not null)
        {
            Line($"**The soak did not finish**: {error}");
            Line();
        }
        if (verdict is not null)
        {
            Line(verdict.Violations.Count == 0 ? "**Violations: none.**" : $"**Violations: {verdict.Violations.Count}.**");
            Line();
            foreach (var violation in verdict.Violations)
            {
                Line($"- {violation}");
            }
            if (verdict.Violations.Count > 0)
            {
                Line();
            }
        }
        Line("## Counts");
        Line();
        var acknowledged = publishers?.All.Count(p => p.Acknowledged is not null) ?? 0;
        Line("| | |");
        Line("|---|---:|");
        Line($"| keyed quotes issued | {publishers?.All.Count ?? 0} |");
        Line($"| acknowledged (201) | {acknowledged} |");
        Line($"| refusals (503, 429) retried with the same key | {publishers?.Refused ?? 0} |");
        Line($"| tries with no answer or another status, retried | {publishers?.Failed ?? 0} |");
        Line($"| epochs among the acknowledged | {publishers?.All.Select(p => p.Acknowledged?.Epoch).OfType<string>().Distinct().Count() ?? 0} |");
        if (verdict is not null)
        {
            Line($"| acknowledged × clients (expected deliveries) | {verdict.Expected} |");
            Line($"| quotes delivered (all clients) | {verdict.Delivered} |");
            Line($"| acknowledged quotes not delivered, covered by an announced reset or historyGap | {verdict.Covered} |");
            Line($"| delivered quotes no 201 or history holds (nothing to compare with) | {verdict.Unverifiable.Count} |");
        }
        Line($"| client connections (reconnections) | {clients.Sum(c => c.Connections)} ({clients.Sum(c => Math.Max(0, c.Connections - 1))}) |");
        Line($"| resets received | {clients.Sum(c => c.Received.OfType<ReceivedReset>().Count())} |");
        Line($"| historyGaps received | {clients.Sum(c => c.Received.OfType<ReceivedGap>().Count())} |");
        Line($"| clients that gave up (non-200) | {clients.Count(c => c.Failure is not null)} |");
        Line();
        Line("## Faults");
        Line();
        Line("| # | time | fault | what was done | processes back after |");
        Line("|---:|---|---|---|---:|");
        for (var i = 0; i < faults.Count; i++)
        {
            var f = faults[i];
            Line(string.Create(CultureInfo.InvariantCulture, $"| {i + 1} | {f.At:HH:mm:ss.ff} | {f.Kind} | {f.What} | {f.Recovery.TotalSeconds:F1} s |"));
        }
        if (faults.Count == 0)
        {
            Line("| | | none | | |");
        }
        Line();
        Line("## Per client");
        Line();
        Line("| client | connections | quotes | resets | historyGaps | unreadable events | failure |");
        Line("|---:|---:|---:|---:|---:|---:|---|");
        foreach (var c in clients)
        {
            var received = c.Received;
            Line($"| {c.Number} | {c.Connections} | {received.OfType<ReceivedQuote>().Count()} | {received.OfType<ReceivedReset>().Count()} | " +
                $"{received.OfType<ReceivedGap>().Count()} | {c.Unreadable.Count} | {c.Failure ?? ""} |");
        }
        if (verdict is { Unverifiable.Count: > 0 })
        {
            Line();
            Line("## Delivered with nothing to compare with");
            Line();
            Line("No 201 named these and history (of the last epoch) no longer holds them, e.g. quotes of an epoch a FLUSHALL ended:");
            Line();
            foreach (var item in verdict.Unverifiable.Take(ListedUnverifiable))
            {
                Line($"- {item}");
            }
            if (verdict.Unverifiable.Count > ListedUnverifiable)
            {
                Line($"- and {verdict.Unverifiable.Count - ListedUnverifiable} more");
            }
        }
        Line();
        Line("## Log");
        Line();
        Line("```text");
        foreach (var line in log.Lines)
        {
            Line(line);
        }
        Line("```");
        Line();
        Line($"Stop: {stopNotes}");
        return md.ToString();
    }
}
