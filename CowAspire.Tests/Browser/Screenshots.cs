using CowAspire.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CowAspire.Tests.Browser;

/// <summary>
/// The pictures the browser tests take. They go to TestResults/screenshots (ignored by git), so a test run leaves the
/// tree as it found it; with <c>UPDATE_SCREENSHOTS=1</c> they are also copied over the README's pictures in docs/images.
/// </summary>
internal static class Screenshots
{
    public const string UpdateVariable = "UPDATE_SCREENSHOTS";

    public static string Folder { get; } = Path.Combine(Repository.Root, "TestResults", "screenshots");

    public static async Task SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name);
        await page.ScreenshotAsync(new() { Path = path });
        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshot: {path}");
        if (Environment.GetEnvironmentVariable(UpdateVariable) is "1" or "true")
        {
            var published = Path.Combine(Repository.Root, "docs", "images", name);
            File.Copy(path, published, overwrite: true);
            TestContext.Current.TestOutputHelper?.WriteLine($"Copied to {published} ({UpdateVariable} is set).");
        }
    }
}
