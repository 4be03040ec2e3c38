using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using CowAspire.Hosting.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aspire.Hosting;

/// <summary>The running app: the orchestrator, its resources' processes and the dashboard, in one host.</summary>
[DebuggerDisplay("{_host}")]
public class DistributedApplication : IHost, IAsyncDisposable
{
    private readonly IHost _host;
    private readonly AppHostRun? _run;
    private int _disposed;

    public DistributedApplication(IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
        _run = host.Services.GetService<AppHostRun>();
    }

    public static IDistributedApplicationBuilder CreateBuilder() => CreateBuilder(new DistributedApplicationOptions());

    public static IDistributedApplicationBuilder CreateBuilder(string[] args) => new DistributedApplicationBuilder(args);

    public static IDistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions options) => new DistributedApplicationBuilder(options);

    public IServiceProvider Services => _host.Services;

    public ResourceNotificationService ResourceNotifications => Services.GetRequiredService<ResourceNotificationService>();

    public ResourceCommandService ResourceCommands => Services.GetRequiredService<ResourceCommandService>();

    /// <summary>Starts the dashboard and every resource in dependency order; returns once they are launched.</summary>
    public virtual Task StartAsync(CancellationToken cancellationToken = default) => _host.StartAsync(cancellationToken);

    /// <summary>Stops every resource in reverse dependency order.</summary>
    public virtual Task StopAsync(CancellationToken cancellationToken = default) => _host.StopAsync(cancellationToken);

    /// <summary>
    /// Runs until Ctrl+C or SIGTERM, then stops every resource in reverse dependency order. A failure to start (a
    /// port taken, say) stops what had started, says why in one line and sets exit code 1.
    /// </summary>
    public virtual async Task RunAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            // Stops and disposes the host at the end, whatever happened: every resource that started is stopped.
            await _host.RunAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OptionsValidationException or DistributedApplicationException)
        {
            await Console.Error.WriteLineAsync($"CowAspire could not start: {ex.Message}");
            Environment.ExitCode = 1;
        }
        finally
        {
            _run?.DeleteDirectory();
        }
    }

    public void Run() => RunAsync().GetAwaiter().GetResult();

    Task IHost.StartAsync(CancellationToken cancellationToken) => StartAsync(cancellationToken);

    Task IHost.StopAsync(CancellationToken cancellationToken) => StopAsync(cancellationToken);

    public virtual void Dispose()
    {
        DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        try
        {
            await _host.StopAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
        }
        if (_host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
        _run?.DeleteDirectory();
        GC.SuppressFinalize(this);
    }
}
