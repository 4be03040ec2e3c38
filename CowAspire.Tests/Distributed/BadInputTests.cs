using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Distributed;

public class BadInputTests(AppFixture fixture, ITestOutputHelper output) : AppTest(fixture, output)
{
    public static TheoryData<string, string, int, string> BadQuotes => new()
    {
        { "application/json", """{"text": ""}""", 400, "empty" },
        { "application/json", """{"text": "   \t  "}""", 400, "empty" },
        { "application/json", $$"""{"text": "{{new string('m', 281)}}"}""", 400, "at most 280" },
        { "application/json", """{"text": "bell\u0007"}""", 400, "control characters" },
        { "application/json", """{"text": "two\nlines"}""", 400, "control characters" },
        { "application/json", """{"text": """, 400, "not a JSON quote" },
        { "application/json", """{"text": 42}""", 400, "not a JSON quote" },
        { "application/json", """["moo"]""", 400, "not a JSON quote" },
        { "application/json", """{}""", 400, "empty" },
        { "application/json", "null", 400, "empty" },
        { "text/plain", "moo", 415, "application/json" },
        { "application/x-www-form-urlencoded", "text=moo", 415, "application/json" },
        { "application/json", $$"""{"text": "{{new string('m', 5000)}}"}""", 413, "at most 4096 bytes" },
    };

    [Theory]
    [MemberData(nameof(BadQuotes))]
    public async Task BadQuoteToWebGetsProblemDetails(string contentType, string body, int status, string detail)
    {
        using var client = Fixture.CreateWebClient();
        await AssertProblemAsync(await PostAsync(client, contentType, body), status, detail);
    }

    [Theory]
    [MemberData(nameof(BadQuotes))]
    public async Task BadQuoteToApiGetsProblemDetails(string contentType, string body, int status, string detail)
    {
        using var client = Fixture.App.CreateHttpClient("api", "http");
        await AssertProblemAsync(await PostAsync(client, contentType, body), status, detail);
    }

    [Theory]
    [InlineData("web")]
    [InlineData("api")]
    public async Task JsonInACharsetTheApiCannotReadGetsUnsupportedMediaType(string service)
    {
        using var client = ClientOf(service);
        await AssertProblemAsync(await PostAsync(client, "application/json; charset=bogus", """{"text": "moo"}"""), 415, "charset=bogus");
    }

    [Theory]
    [InlineData("web")]
    [InlineData("api")]
    public async Task JsonInUtf16IsReadInItsCharset(string service)
    {
        using var client = ClientOf(service);
        using var content = new ByteArrayContent(Encoding.Unicode.GetBytes("""{"text": "Müh, said the cow in UTF-16."}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-16");
        using var response = await client.PostAsync("/quotes", content, Cancellation);

        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Expected 201, got {(int)response.StatusCode}: {body}");
        Assert.Equal("Müh, said the cow in UTF-16.", JsonDocument.Parse(body).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task UnknownPublishedQuoteIdGetsNotFoundProblem()
    {
        using var client = Fixture.App.CreateHttpClient("api", "http");
        await AssertProblemAsync(await client.GetAsync("/quotes/999999999", Cancellation), 404, "never published");
    }

    [Theory]
    [InlineData("/events/show?count=0")]
    [InlineData("/events/show?count=-1")]
    [InlineData("/events/show?count=101")]
    [InlineData("/events/show?count=abc")]
    [InlineData("/events/show?count=5&count=6")]
    [InlineData("/shows/new?count=abc")]
    public async Task BadShowCountGetsProblemDetails(string path)
    {
        using var client = Fixture.CreateWebClient();
        await AssertProblemAsync(await client.GetAsync(path, Cancellation), 400, "count must be a whole number from 1 to 100");
    }

    [Theory]
    [InlineData("abc", "must be an event id this gateway sent")]
    [InlineData("-5", "must be an event id this gateway sent")]
    [InlineData("1.5", "must be an event id this gateway sent")]
    [InlineData("5-", "must be an event id this gateway sent")]
    [InlineData("5-NOT_AN_EPOCH", "must be an event id this gateway sent")]
    public async Task BadLastEventIdGetsProblemDetails(string lastEventId, string detail)
    {
        using var client = Fixture.CreateWebClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events");
        request.Headers.Add("Last-Event-ID", lastEventId);
        await AssertProblemAsync(await client.SendAsync(request, Cancellation), 400, detail);
        await AssertProblemAsync(await client.GetAsync($"/events?lastEventId={Uri.EscapeDataString(lastEventId)}", Cancellation), 400, detail);
    }

    [Theory]
    [InlineData("/nope")]
    [InlineData("/events/nope")]
    [InlineData("/quotes/../../etc/passwd")]
    public async Task UnknownRouteGetsNotFoundProblem(string path)
    {
        using var client = Fixture.CreateWebClient();
        await AssertProblemAsync(await client.GetAsync(path, Cancellation), 404, "No endpoint");
    }

    [Fact]
    public async Task AfterBadInputEveryServiceIsStillHealthyAndWasNotRestarted()
    {
        using var client = Fixture.CreateWebClient();
        foreach (var (contentType, body, _, _) in BadQuotes.Select(row => ((string, string, int, string))row.Data))
        {
            (await PostAsync(client, contentType, body)).Dispose();
        }

        using var health = await client.GetAsync("/health", Cancellation);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        string[] instances = ["redis", "api", .. Fixture.WebReplicas];
        Assert.All(instances, id => Assert.Equal(0, Replicas.Restarts(Fixture.App, id)));
        Assert.All(instances, id => Assert.Equal(KnownResourceStates.Running, Replicas.Snapshot(Fixture.App, id).State?.Text));

        using var posted = await client.PostAsJsonAsync("/quotes", new { text = "Still mooing." }, Cancellation);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
    }

    private HttpClient ClientOf(string service) =>
        service == "web" ? Fixture.CreateWebClient() : Fixture.App.CreateHttpClient(service, "http");

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string contentType, string body)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return await client.PostAsync("/quotes", content, Cancellation);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string detail)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(Cancellation);
            Assert.True(status == (int)response.StatusCode, $"Expected {status}, got {(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal(status, problem.GetProperty("status").GetInt32());
            Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }
    }
}
