using System.Net;
using System.Net.Http.Json;
using CowAspire.Contracts;
using CowAspire.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using StackExchange.Redis;

namespace CowAspire.Tests.Distributed;

/// <summary>Redis with a small memory bound, filled to it: quotes are refused clearly, and nothing acknowledged goes.</summary>
public sealed class RedisMemoryTests(ITestOutputHelper output) : OwnAppTest(output)
{
    protected override void Configure(IDistributedApplicationTestingBuilder builder) => builder.Configuration["Redis:MaxMemory"] = "16mb";

    [Fact]
    public async Task FullRedisRefusesQuotesWith503AndKeepsEveryAcknowledgedQuote()
    {
        var acknowledged = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            acknowledged.Add(await Quotes.PublishAsync(App, $"Before Redis is full, {i}.", Cancellation));
        }
        await using var faults = await Faults.ConnectAsync(App, Cancellation);
        var server = faults.Server;
        Assert.Equal("noeviction", (await server.ConfigGetAsync("maxmemory-policy")).Single().Value);

        // Other data fills Redis to its bound (16 MiB here): 64 KiB at a time until Redis refuses the write.
        var filler = new string('m', 64 * 1024);
        var fillers = 0;
        while (true)
        {
            Assert.True(fillers < 1000, "Redis took 64 MB past a 16 MB bound without refusing a write.");
            try
            {
                await faults.Database.StringSetAsync($"test:filler:{fillers}", filler);
                fillers++;
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("OOM", StringComparison.Ordinal))
            {
                break;
            }
        }

        // A refused command's buffers are freed, and Redis dips back under its bound by a few KiB, where a small write fits
        // again: so it is held full, with the bound set just under what it now holds.
        var bound = (await server.ConfigGetAsync("maxmemory")).Single().Value;
        var used = long.Parse(((string)(await faults.Database.ExecuteAsync("MEMORY", "STATS")).ToDictionary()["total.allocated"]!),
            System.Globalization.CultureInfo.InvariantCulture);
        await server.ConfigSetAsync("maxmemory", used - (1 << 20));

        using var api = App.CreateHttpClient("api", "http");
        using var refused = await api.PostAsJsonAsync("/quotes", new { text = "Into a full Redis." }, Cancellation);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(refused.Headers.RetryAfter);
        var problem = await refused.Content.ReadFromJsonAsync<ProblemDetails>(Cancellation);
        Assert.Contains("out of memory", problem?.Detail, StringComparison.Ordinal);

        foreach (var id in acknowledged)
        {
            Assert.Single(await faults.Database.StreamRangeAsync(QuoteKeys.History, QuoteKeys.HistoryEntryId(id), QuoteKeys.HistoryEntryId(id)));
        }

        // Room again: publishing goes on after the last acknowledged id, as if nothing had happened.
        await server.ConfigSetAsync("maxmemory", bound);
        await faults.Database.KeyDeleteAsync([.. Enumerable.Range(0, fillers).Select(i => (RedisKey)$"test:filler:{i}")]);
        var next = await Quotes.PublishAsync(App, "After Redis had room again.", Cancellation);
        Assert.True(next > acknowledged[^1], $"Quote {next} came after {acknowledged[^1]}: ids went back.");
    }
}
