using System.Diagnostics;
using System.Text;

namespace TeamUp.Packaging.Tests;

/// <summary>Paths in the repository this test assembly was built from.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TeamUp.Generated.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No TeamUp.Generated.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>A unique directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(params string[] parts)
    {
        var path = System.IO.Path.Combine([Path, .. parts]);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { } // a process still holding a file; the OS temp cleaner gets it
        catch (UnauthorizedAccessException) { }
    }
}

public sealed record ProcessResult(string Command, int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)
{
    public string Describe() =>
        $"`{Command}` exited {ExitCode} after {Elapsed.TotalSeconds:F1}s\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";

    public ProcessResult EnsureSuccess(string what)
    {
        if (ExitCode != 0) throw new Xunit.Sdk.XunitException($"{what} failed: {Describe()}");
        return this;
    }
}

/// <summary>Runs a child process with captured output, a time limit and an environment free of this test host's MSBuild settings.</summary>
internal static class Run
{
    public static async Task<ProcessResult> ProcessAsync(string fileName, IEnumerable<string> arguments, string workingDirectory,
        TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        // `dotnet test` hands MSBuild and test-platform variables to its children; a nested dotnet build must not inherit them.
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase) || key.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(key);
            }
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (environment is not null)
        {
            foreach (var (key, value) in environment) start.Environment[key] = value;
        }

        var command = $"{fileName} {string.Join(' ', arguments)}";
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new ProcessResult(command, -1, await stdout, $"{await stderr}\n(killed after the {timeout.TotalSeconds:F0}s limit)", stopwatch.Elapsed);
        }
        return new ProcessResult(command, process.ExitCode, await stdout, await stderr, stopwatch.Elapsed);
    }

    public static Task<ProcessResult> DotnetAsync(IEnumerable<string> arguments, string workingDirectory, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string?>? environment = null) =>
        ProcessAsync("dotnet", arguments, workingDirectory, timeout ?? TimeSpan.FromMinutes(4), environment);
}
