using System.Runtime.CompilerServices;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// The tests' AppHost runs in Development, as <c>dotnet run</c> and <c>./run.sh</c> run it (its launch profile says so):
/// Aspire reads a project's <c>appsettings.{environment}.json</c> by the AppHost process's own environment variable,
/// and the Web's endpoints (https with the development certificate, http, h2c) are its Development settings.
/// </summary>
internal static class DevelopmentEnvironment
{
    [ModuleInitializer]
    internal static void Set()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is null && Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is null)
        {
            Environment.SetEnvironmentVariable("DOTNET_ENVIRONMENT", "Development");
        }
    }
}
