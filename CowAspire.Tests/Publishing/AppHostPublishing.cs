using CowAspire.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace CowAspire.Tests.Publishing;

/// <summary>
/// Runs the AppHost's own model in publish mode, as <c>dotnet run --project CowAspire.AppHost -- ARGS</c> does: Aspire runs
/// the pipeline step the arguments name, writes its files and stops the app. Nothing starts (no DCP, no processes), and
/// the AppHost's preflight checks nothing in publish mode.
/// </summary>
internal static class AppHostPublishing
{
    /// <summary>
    /// Publishes with <paramref name="args"/> and returns the model the files were written from. The arguments must
    /// select <paramref name="step"/> alone (as <c>--publisher manifest</c> selects <c>publish-manifest</c>): otherwise
    /// Aspire runs its whole pipeline (build, push, deploy: Docker, a registry), and every step that writes to the
    /// output path writes there.
    /// </summary>
    public static async Task<DistributedApplicationModel> PublishAsync(string[] args, string step, CancellationToken cancellationToken)
    {
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CowAspire_AppHost>(args, cancellationToken);
        await using var app = await appHost.BuildAsync(cancellationToken);
        // The step as the pipeline will read it: a value set in memory (Aspire's for --publisher manifest, the AppHost's
        // for --publisher kubernetes) is lost when anything reloads the configuration's sources after it was set.
        var selected = app.Services.GetRequiredService<IConfiguration>()["Pipeline:Step"];
        Assert.True(selected == step,
            $"'{string.Join(' ', args)}' selects the pipeline step '{selected}', not '{step}': Aspire would run its whole pipeline. "
            + "Does the AppHost reload its configuration's sources (ConfigurationManager.Sources.Insert or Remove) after the builder is created?");
        // Read before running: a host that has run is disposed.
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        await app.RunAsync(cancellationToken).DefaultTimeout(TestConstants.PublishTimeout);
        return model;
    }
}
