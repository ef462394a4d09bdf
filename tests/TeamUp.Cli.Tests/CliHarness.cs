using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using TeamUp.Sandbox;

namespace TeamUp.Cli.Tests;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>A small sandbox shared by a test class; jobs finish fast.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public TeamUpSandbox Sandbox { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Invoices = 240, Customers = 40, JobDuration = TimeSpan.FromMilliseconds(300) });

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}

public static class Tool
{
    public static string[] Connect(TeamUpSandbox sandbox) => ["--base-url", sandbox.BaseUrl.ToString(), "--token", sandbox.Token];

    /// <summary>
    /// The client options of in-process runs: the command line's, with retry and poll waits in milliseconds, so that
    /// tests that make the client retry do not sleep for seconds (the sandbox's 429s say <c>Retry-After: 0</c> in them).
    /// </summary>
    internal static readonly CliHost FastRetries = CliHost.Plain with
    {
        ConfigureClient = options =>
        {
            options.RetryDelay = TimeSpan.FromMilliseconds(5);
            options.MaxRetryDelay = TimeSpan.FromMilliseconds(50);
            options.ExportPollInterval = TimeSpan.FromMilliseconds(50);
            options.ExportMaxPollInterval = TimeSpan.FromMilliseconds(100);
        },
        // The machine's TEAMUP_* variables never reach a test run: the outcome must not depend on who runs the tests.
        Environment = _ => null,
    };

    /// <summary>Runs the tool in-process.</summary>
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Program.RunAsync(args, stdout, stderr, FastRetries);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public static Task<CliResult> RunAsync(TeamUpSandbox sandbox, params string[] args) => RunAsync([.. args, .. Connect(sandbox)]);

    /// <summary>Runs the tool in-process with exactly these environment variables (and no others).</summary>
    public static async Task<CliResult> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Program.RunAsync(args, stdout, stderr, FastRetries with { Environment = name => environment.GetValueOrDefault(name) });
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The built tool, as users run it: <c>dotnet teamup.dll ...</c>.</summary>
    public static string ToolPath
    {
        get
        {
            var here = Path.Combine(AppContext.BaseDirectory, "teamup.dll");
            if (File.Exists(here) && File.Exists(Path.Combine(AppContext.BaseDirectory, "teamup.runtimeconfig.json"))) return here;
            var root = AppContext.BaseDirectory;
            while (root is not null && !File.Exists(Path.Combine(root, "TeamUp.Generated.sln"))) root = Path.GetDirectoryName(root);
            var config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Parent!.Name; // bin/<Config>/net10.0
            return Path.Combine(root!, "src", "TeamUp.Cli", "bin", config, "net10.0", "teamup.dll");
        }
    }

    /// <summary>Runs the built tool as a process, with no TEAMUP_* variables from the test environment.</summary>
    public static async Task<CliResult> RunProcessAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ToolPath);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var name in new[] { "TEAMUP_BASE_URL", "TEAMUP_TOKEN", "TEAMUP_PROVIDER_ID" }) start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The report's own total for the default provider, asked directly over HTTP.</summary>
    public static async Task<int> ReportTotalAsync(TeamUpSandbox sandbox, string report = "invoices")
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", sandbox.Token);
        var json = await http.GetStringAsync(new Uri(sandbox.BaseUrl, $"reports/{report}/data?columns=id&page_size=1&format=json"));
        return JsonDocument.Parse(json).RootElement.GetProperty("total").GetInt32();
    }

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "teamup-cli-tests", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void AssertNoSecrets(TeamUpSandbox sandbox, CliResult result)
    {
        foreach (var secret in new[] { sandbox.Token, sandbox.BearerToken })
        {
            Assert.DoesNotContain(secret, result.Stdout);
            Assert.DoesNotContain(secret, result.Stderr);
        }
    }
}
