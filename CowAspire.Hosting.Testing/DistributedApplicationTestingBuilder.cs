using System.Reflection;
using Aspire.Hosting.ApplicationModel;
using CowAspire.Hosting.Orchestration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting.Testing;

/// <summary>
/// Starts an AppHost's own model in a test, as Aspire's: random ports (so tests and a developer's instance never
/// collide), no dashboard, resources' output to the test's loggers.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    private static readonly TimeSpan EntryPointTimeout = TimeSpan.FromSeconds(30);

    /// <summary>An empty app model with the testing defaults, for tests of the hosting itself.</summary>
    public static IDistributedApplicationTestingBuilder Create(params string[] args) => Create(args, (_, _) => { });

    public static IDistributedApplicationTestingBuilder Create(string[] args, Action<DistributedApplicationOptions, HostApplicationBuilderSettings> configureBuilder)
    {
        ArgumentNullException.ThrowIfNull(configureBuilder);
        var options = new DistributedApplicationOptions { Args = args, AssemblyName = Assembly.GetEntryAssembly()?.FullName };
        Configure(options, configureBuilder);
        return new TestingBuilder(new DistributedApplicationBuilder(options));
    }

    public static Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(CancellationToken cancellationToken = default)
        where TEntryPoint : class => CreateCoreAsync(typeof(TEntryPoint), [], (_, _) => { }, cancellationToken);

    public static Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(string[] args, CancellationToken cancellationToken = default)
        where TEntryPoint : class => CreateCoreAsync(typeof(TEntryPoint), args, (_, _) => { }, cancellationToken);

    public static Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(
        string[] args, Action<DistributedApplicationOptions, HostApplicationBuilderSettings> configureBuilder, CancellationToken cancellationToken = default)
        where TEntryPoint : class => CreateCoreAsync(typeof(TEntryPoint), args, configureBuilder, cancellationToken);

    public static Task<IDistributedApplicationTestingBuilder> CreateAsync(Type entryPoint, CancellationToken cancellationToken = default) =>
        CreateCoreAsync(entryPoint, [], (_, _) => { }, cancellationToken);

    public static Task<IDistributedApplicationTestingBuilder> CreateAsync(Type entryPoint, string[] args, CancellationToken cancellationToken = default) =>
        CreateCoreAsync(entryPoint, args, (_, _) => { }, cancellationToken);

    public static Task<IDistributedApplicationTestingBuilder> CreateAsync(
        Type entryPoint, string[] args, Action<DistributedApplicationOptions, HostApplicationBuilderSettings> configureBuilder,
        CancellationToken cancellationToken = default) =>
        CreateCoreAsync(entryPoint, args, configureBuilder, cancellationToken);

    /// <summary>Runs the AppHost's entry point (its Program.cs) up to <c>Build()</c> and returns the builder it made there.</summary>
    private static async Task<IDistributedApplicationTestingBuilder> CreateCoreAsync(
        Type entryPoint, string[] args, Action<DistributedApplicationOptions, HostApplicationBuilderSettings> configureBuilder,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entryPoint);
        ArgumentNullException.ThrowIfNull(configureBuilder);
        var assembly = entryPoint.Assembly;
        var main = assembly.EntryPoint ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no entry point.");

        var capture = new TaskCompletionSource<DistributedApplicationBuilder>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            TestingHook.Arm(capture, options =>
            {
                options.AssemblyName = assembly.FullName;
                Configure(options, configureBuilder);
            });
            RunEntryPoint(main, args, capture);
        })
        {
            IsBackground = true,
            Name = "AppHost entry point",
        };
        thread.Start();
        return new TestingBuilder(await capture.Task.WaitAsync(EntryPointTimeout, cancellationToken));
    }

    private static void Configure(DistributedApplicationOptions options, Action<DistributedApplicationOptions, HostApplicationBuilderSettings> configureBuilder)
    {
        options.DisableDashboard = true;
        options.EnableResourceLogging = true;
        var settings = new HostApplicationBuilderSettings { Args = options.Args, EnvironmentName = Environments.Development };
        configureBuilder(options, settings);
        options.Args = [.. options.Args ?? [], "--environment", settings.EnvironmentName ?? Environments.Development,
            "--DcpPublisher:RandomizePorts=true", "--AppHost:ExitOnStartupFailure=false"];
    }

    private static void RunEntryPoint(MethodInfo entryPoint, string[] args, TaskCompletionSource<DistributedApplicationBuilder> capture)
    {
        try
        {
            entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [args]);
            capture.TrySetException(new InvalidOperationException("The AppHost's entry point returned without calling Build()."));
        }
        catch (TargetInvocationException ex) when (ex.InnerException is BuilderCapturedException)
        {
        }
        catch (TargetInvocationException ex)
        {
            capture.TrySetException(ex.InnerException ?? ex);
        }
    }

    private sealed class TestingBuilder(DistributedApplicationBuilder inner) : IDistributedApplicationTestingBuilder
    {
        private DistributedApplication? _app;

        public Assembly? AppHostAssembly => inner.AppHostAssembly;

        public string AppHostDirectory => inner.AppHostDirectory;

        public ConfigurationManager Configuration => inner.Configuration;

        public IHostEnvironment Environment => inner.Environment;

        public DistributedApplicationExecutionContext ExecutionContext => inner.ExecutionContext;

        public IResourceCollection Resources => inner.Resources;

        public IServiceCollection Services => inner.Services;

        public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource => inner.AddResource(resource);

        public IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource => inner.CreateResourceBuilder(resource);

        public DistributedApplication Build() => _app = inner.Build();

        public Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default) => Task.FromResult(Build());

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }

        public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
