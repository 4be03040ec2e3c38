using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CowAspire.Bench;

/// <summary>What the run ran on, for the report.</summary>
public sealed record Machine(IReadOnlyList<(string Name, string Value)> Facts)
{
    public static async Task<Machine> DescribeAsync(string repo)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var memory = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var commit = await OutputAsync("git", "-C", repo, "log", "-1", "--format=%h %s");
        var dirty = (await OutputAsync("git", "-C", repo, "status", "--porcelain", "--untracked-files=no")).Length > 0 ? " (with uncommitted changes)" : "";
        var facts = new List<(string, string)>
        {
            ("CowAspire", $"commit {commit}{dirty}"),
            ("CPU", $"{cpu}, {Environment.ProcessorCount} cores visible"),
            ("Memory", memory),
            ("OS", $"Debian {Read("/etc/debian_version")}, Linux {Read("/proc/sys/kernel/osrelease")}"),
            (".NET", $"{RuntimeInformation.FrameworkDescription} (SDK {await OutputAsync("dotnet", "--version")})"),
            ("nginx", await OutputAsync("/usr/sbin/nginx", "-v")),
            ("nchan", "libnginx-mod-nchan " + await OutputAsync("dpkg-query", "-W", "-f", "${Version}", "libnginx-mod-nchan")),
            ("Redis", await OutputAsync("redis-server", "--version")),
            ("OpenSSL", await OutputAsync("openssl", "version")),
        };
        return new Machine(facts);
    }

    private static string Read(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "?";

    private static async Task<string> OutputAsync(string file, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return "?";
            }
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var text = (await output).Trim();
            return text.Length > 0 ? text : (await error).Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not installed";
        }
    }
}
