using CowAspire.AppHost.Dashboard;
using CowAspire.AppHost.Orchestration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CowAspire.AppHost.Hosting;

/// <summary>The running app: the orchestrator, its resources' processes and the dashboard, in one host.</summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly WebApplication _host;
    private readonly string _runDirectory;

    internal DistributedApplication(DistributedApplicationBuilder builder)
    {
        _runDirectory = builder.RunDirectory;
        var model = new AppModel(builder.Resources, builder.Options);
        builder.Host.Services.AddSingleton(model);
        builder.Host.Services.AddOrchestration();
        builder.Host.AddDashboard(builder.Options);
        _host = builder.Host.Build();
        _host.MapDashboard();
        Orchestrator = _host.Services.GetRequiredService<Orchestrator>();
    }

    public static DistributedApplicationBuilder CreateBuilder(string[] args) =>
        new(args, Testing.TestingHook.Options ?? new DistributedApplicationOptions());

    public IServiceProvider Services => _host.Services;

    public Orchestrator Orchestrator { get; }

    /// <summary>Starts the dashboard and every resource in dependency order; returns once they are launched.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => _host.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => _host.StopAsync(cancellationToken);

    /// <summary>
    /// Runs until Ctrl+C or SIGTERM, then stops every resource in reverse dependency order. A failure to start (a
    /// port taken, say) stops what had started, says why in one line and sets exit code 1.
    /// </summary>
    public void Run()
    {
        try
        {
            _host.Run();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            Console.Error.WriteLine($"CowAspire could not start: {ex.Message}");
            Environment.ExitCode = 1;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        await _host.DisposeAsync();
        try
        {
            Directory.Delete(_runDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
