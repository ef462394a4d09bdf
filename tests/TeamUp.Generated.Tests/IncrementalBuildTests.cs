using System.Diagnostics;
using System.Reflection;
using TeamUp.Generated.Tests.Infrastructure;

namespace TeamUp.Generated.Tests;

/// <summary>The library was just built for this test run, so building it again must skip NSwag.</summary>
public class IncrementalBuildTests
{
    [Fact]
    public async Task A_no_op_build_does_not_run_nswag()
    {
        var (exit, output) = await BuildAsync();

        Assert.True(exit == 0, output);
        Assert.Contains("Skipping target \"NSwagGenerate\" because all output files are up-to-date", output);
    }

    [Fact]
    public async Task TeamUpGenerate_false_compiles_the_existing_file_without_looking_at_the_inputs()
    {
        var (exit, output) = await BuildAsync("-p:TeamUpGenerate=false");

        Assert.True(exit == 0, output);
        // Not even compared with its inputs (at this verbosity a target skipped by its condition leaves no line).
        Assert.DoesNotContain("NSwagGenerate", output);
    }

    private static async Task<(int Exit, string Output)> BuildAsync(params string[] extra)
    {
        var configuration = typeof(InvoicesClient).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var start = new ProcessStartInfo("dotnet", ["build", Repo.PathOf("src", "TeamUp.Generated", "TeamUp.Generated.csproj"),
            "-c", configuration, "--no-restore", "-v:n", "-nologo", .. extra])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var build = Process.Start(start)!;
        var output = await build.StandardOutput.ReadToEndAsync();
        await build.WaitForExitAsync();
        return (build.ExitCode, output);
    }
}
