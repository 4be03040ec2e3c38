using CowAspire.Api.Quotes;
using CowAspire.ServiceDefaults.Redis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisConnection("redis");
builder.AddQuotes();

var app = builder.Build();

app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapQuotes();

app.Run();
