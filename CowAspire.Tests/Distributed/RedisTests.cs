using CowAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace CowAspire.Tests.Distributed;

public class RedisTests(AppFixture fixture, ITestOutputHelper output) : AppTest(fixture, output)
{
    [Fact]
    public async Task PublishedQuoteIsInTheRealRedisHistoryUnderItsId()
    {
        var connectionString = (await Fixture.App.GetConnectionStringAsync("redis", Cancellation))!;
        // Aspire's generated password: 22 characters or more of letters and digits.
        Assert.Matches(@"^127\.0\.0\.1:\d+,password=[A-Za-z0-9]{22,}$", connectionString);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var db = redis.GetDatabase();

        var id = await Quotes.PublishAsync(Fixture.App, "Straight from the horse's mouth (a cow's, really).", Cancellation);

        var entries = await db.StreamRangeAsync("cowaspire:quotes:history", $"{id}-0", $"{id}-0");
        var entry = Assert.Single(entries);
        Assert.Contains("a cow's, really", entry["e"].ToString());
        Assert.True((long)await db.StringGetAsync("cowaspire:quotes:id") >= id);
        Assert.True(await db.StreamLengthAsync("cowaspire:quotes:history") <= AppFixture.HistoryLength);
    }

    [Fact]
    public async Task RedisMemoryIsBoundedAndNothingIsEvicted()
    {
        await using var faults = await Faults.ConnectAsync(Fixture.App, Cancellation);

        Assert.True(long.Parse((await faults.Server.ConfigGetAsync("maxmemory")).Single().Value, System.Globalization.CultureInfo.InvariantCulture) > 0,
            "Redis runs without a memory bound.");
        Assert.Equal("noeviction", (await faults.Server.ConfigGetAsync("maxmemory-policy")).Single().Value);
    }

    [Fact]
    public async Task RedisRefusesClientsWithoutThePassword()
    {
        var endpoint = (await Fixture.App.GetConnectionStringAsync("redis", Cancellation))!.Split(',')[0];
        await using var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { endpoint },
            AbortOnConnectFail = false,
            ConnectTimeout = 2000,
        });

        await Assert.ThrowsAnyAsync<RedisException>(() => redis.GetDatabase().StringGetAsync("cowaspire:quotes:id"));
    }
}
