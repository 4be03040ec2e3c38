using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Distributed;

/// <summary>Requests only a hostile client sends, as raw bytes or odd methods, to Web (over TLS) and to the Api.</summary>
public class HostileRequestTests(AppFixture fixture, ITestOutputHelper output) : AppTest(fixture, output)
{
    private const string QuoteHead = "POST /quotes HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";

    public static TheoryData<string, string> ServicesAndChunkSizes => new()
    {
        { "web", "zz" },
        { "web", "ffffffffffffffffff" },
        { "api", "zz" },
        { "api", "ffffffffffffffffff" },
    };

    [Theory]
    [MemberData(nameof(ServicesAndChunkSizes))]
    public async Task MalformedChunkSizeGetsBadRequestProblemAndNoUnhandledException(string service, string chunkSize)
    {
        var lines = Channel.CreateUnbounded<(string Source, string Text)>();
        using var watch = ProjectLogs.Watch(Fixture.App, (source, text) => lines.Writer.TryWrite((source, text)));

        var response = await RawHttp.SendAsync(Endpoint(service),
            $"{QuoteHead}Transfer-Encoding: chunked\r\n\r\n{chunkSize}\r\n{{\"text\": \"moo\"}}\r\n0\r\n\r\n", Cancellation);

        AssertProblem(response, 400, "could not be read");
        // The Api logs each quote it accepts, after anything an earlier request made it log; the gateway's own
        // lines have by then had a round trip through the Api to arrive.
        var marker = await Quotes.PublishAsync(Fixture.App, $"Logged after a bad chunk to {service}.", Cancellation);
        var failures = new List<string>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TestConstants.DefaultTimeout);
        await foreach (var (source, text) in lines.Reader.ReadAllAsync(timeout.Token))
        {
            if (source.StartsWith(service, StringComparison.Ordinal)
                && (text.Contains("fail:", StringComparison.Ordinal) || text.Contains("nhandled exception", StringComparison.Ordinal)))
            {
                failures.Add($"[{source}] {text}");
            }
            if (source.StartsWith("api", StringComparison.Ordinal) && text.Contains($"Accepted submitted quote {marker}", StringComparison.Ordinal))
            {
                break;
            }
        }
        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("web")]
    [InlineData("api")]
    public async Task BodyThatStopsArrivingGetsRequestTimeoutProblem(string service)
    {
        // Content-Length promises 100 bytes; 9 come and then nothing: Kestrel's MinRequestBodyDataRate ends the wait.
        var response = await RawHttp.SendAsync(Endpoint(service), $"{QuoteHead}Content-Length: 100\r\n\r\n{{\"text\": ", Cancellation);

        AssertProblem(response, 408, "stopped arriving");
    }

    public static TheoryData<string, string, int> RequestsKestrelRefusesItself => new()
    {
        { "web", $"GET /{new string('a', 9000)} HTTP/1.1\r\nHost: localhost\r\n\r\n", 414 },
        { "api", $"GET /{new string('a', 9000)} HTTP/1.1\r\nHost: localhost\r\n\r\n", 414 },
        { "web", $"GET / HTTP/1.1\r\nHost: localhost\r\nX-Moo: {new string('m', 40000)}\r\n\r\n", 431 },
        { "api", $"GET / HTTP/1.1\r\nHost: localhost\r\nX-Moo: {new string('m', 40000)}\r\n\r\n", 431 },
        { "web", "GET / HTTP/1.1\r\nHost: localhost\r\nNot a header\r\n\r\n", 400 },
        { "api", "GET / HTTP/1.1\r\nHost: localhost\r\nNot a header\r\n\r\n", 400 },
    };

    /// <summary>
    /// Kestrel answers these while parsing, before any middleware runs, and offers no hook for the body
    /// (aspnet/KestrelHttpServer#2947): the status is right, the body is empty, the connection closes, and
    /// the service goes on serving.
    /// </summary>
    [Theory]
    [MemberData(nameof(RequestsKestrelRefusesItself))]
    public async Task RequestKestrelRefusesWhileParsingGetsItsStatusAndTheServiceServesOn(string service, string request, int status)
    {
        var response = await RawHttp.SendAsync(Endpoint(service), request, Cancellation);

        Assert.Equal(status, response.Status);
        Assert.Equal("0", response.Header("Content-Length"));
        Assert.Equal("close", response.Header("Connection"));
        using var client = Client(service);
        using var alive = await client.GetAsync("/alive", Cancellation);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Theory]
    [InlineData("/nope", 404)]
    [InlineData("/shows/new", 405)]
    [InlineData("/quotes", 405)]
    [InlineData("/health/nope", 404)]
    public async Task HeadOverHttp2ToARouteThatRefusesItGetsHeadersAndNoBody(string path, int status)
    {
        using var client = Fixture.CreateWebClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, path) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await client.SendAsync(request, Cancellation);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Theory]
    [InlineData("web", "/health")]
    [InlineData("web", "/alive")]
    [InlineData("api", "/health")]
    [InlineData("api", "/alive")]
    public async Task ProbesAnswerGetAndHeadOnly(string service, string path)
    {
        using var client = Client(service);
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var answer = await client.SendAsync(new HttpRequestMessage(method, path), Cancellation);
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{method} {path} on {service}: {(int)answer.StatusCode}");
        }
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options })
        {
            using var refused = await client.SendAsync(new HttpRequestMessage(method, path), Cancellation);
            await AssertProblemAsync(refused, 405, "does not accept");
            Assert.Contains("GET", refused.Content.Headers.Allow);
        }
    }

    [Theory]
    [InlineData("/quotes/-1", 400, "not a quote id")]
    [InlineData("/quotes/0", 400, "not a quote id")]
    [InlineData("/quotes/-9223372036854775808", 400, "not a quote id")]
    [InlineData("/quotes/99999999999999999999", 404, "No endpoint")]
    [InlineData("/quotes/abc", 404, "No endpoint")]
    public async Task PublishedQuoteWithAnIdThatCannotExistGetsAClientErrorNotUnavailable(string path, int status, string detail)
    {
        using var client = Client("api");
        await AssertProblemAsync(await client.GetAsync(path, Cancellation), status, detail);

        using var posted = await client.PostAsJsonAsync("/quotes", new { text = "Ids start at one." }, Cancellation);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
    }

    private Uri Endpoint(string service) => service == "web" ? Fixture.App.GetEndpoint("web", "https") : Fixture.App.GetEndpoint("api", "http");

    private HttpClient Client(string service) => service == "web" ? Fixture.CreateWebClient() : Fixture.App.CreateHttpClient("api", "http");

    private static void AssertProblem(RawResponse response, int status, string detail)
    {
        Assert.True(status == response.Status, $"Expected {status}, got {response.Status}: {response.Body}");
        Assert.StartsWith("application/problem+json", response.Header("Content-Type"), StringComparison.Ordinal);
        var problem = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string detail)
    {
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(status == (int)response.StatusCode, $"Expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }
}
