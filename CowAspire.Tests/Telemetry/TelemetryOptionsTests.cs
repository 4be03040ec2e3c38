namespace CowAspire.Tests.Telemetry;

public class TelemetryOptionsTests
{
    [Theory]
    [InlineData("--Dashboard:TelemetryLimits:MaxLogCount=0", "MaxLogCount")]
    [InlineData("--Dashboard:TelemetryLimits:MaxTraceCount=-5", "MaxTraceCount")]
    [InlineData("--Dashboard:Otlp:Protocol=carrier-pigeon", "Dashboard:Otlp:Protocol")]
    [InlineData("--Dashboard:Otlp:ApiKey=short", "ApiKey")]
    [InlineData("--Dashboard:Otlp:GrpcPort=70000", "GrpcPort")]
    public async Task BadTelemetrySettingsStopTheAppHostNamingTheKey(string setting, string named)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CowAspire_AppHost>(
            [setting], (options, _) => options.DisableDashboard = false, cancellation);
        await using var app = await appHost.BuildAsync(cancellation);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(cancellation));

        var invalid = Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(error.GetBaseException());
        Assert.Contains(named, invalid.Message, StringComparison.Ordinal);
    }
}
