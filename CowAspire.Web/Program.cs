using CowAspire.ServiceDefaults.Redis;
using CowAspire.Web.Limits;
using CowAspire.Web.Page;
using CowAspire.Web.Quotes;
using CowAspire.Web.Streaming;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisConnection("redis");
builder.AddStreaming();
builder.AddQuoteForwarding();
builder.AddLimits();

var app = builder.Build();

app.UseServiceDefaults();
app.UsePage();
app.MapDefaultEndpoints();
app.MapEvents();
app.MapPage();
app.MapQuoteForwarding();

app.Run();
