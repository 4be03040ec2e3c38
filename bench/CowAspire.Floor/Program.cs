using System.Net;
using CowAspire.Floor;

// Usage: CowAspire.Floor --mode floor|typed-results --https-port N --http-port N --publish-port N
// Streams on https://127.0.0.1:N/sub (HTTP/2 and HTTP/1.1 by ALPN) and http://127.0.0.1:N/sub (HTTP/1.1),
// events POSTed to http://127.0.0.1:N/pub.
var settings = FloorSettings.Parse(args);

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
// Streams never end by themselves: at shutdown Kestrel aborts them after this, which ends each request.
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
builder.WebHost.ConfigureKestrel(kestrel =>
{
    // As the Web's StreamingOptions.MaxStreamsPerConnection (Kestrel's default is 100).
    kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
    // The Web's https endpoint: both protocols by ALPN, the ASP.NET Core development certificate.
    kestrel.Listen(IPAddress.Loopback, settings.HttpsPort, listen =>
    {
        listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2;
        listen.UseHttps();
    });
    // The Web's http endpoint serves streams too (h1c): HTTP/1.1 alone, since without TLS there is no ALPN to offer HTTP/2 by.
    kestrel.Listen(IPAddress.Loopback, settings.HttpPort, listen => listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1);
    // Publishing is plain HTTP on its own port, as nchan's publisher location and CowAspire's Api are.
    kestrel.Listen(IPAddress.Loopback, settings.PublishPort);
});

var app = builder.Build();
app.MapGet("/health", () => TypedResults.Text("ok"));
if (settings.Mode == FloorMode.Floor)
{
    var fanOut = new WriterFanOut();
    app.Lifetime.ApplicationStopped.Register(fanOut.Dispose);
    app.MapGet("/sub", fanOut.SubscribeAsync);
    app.MapPost("/pub", fanOut.PublishAsync);
}
else
{
    var fanOut = new ChannelFanOut();
    app.MapGet("/sub", fanOut.Subscribe);
    app.MapPost("/pub", fanOut.PublishAsync);
}
app.Run();
