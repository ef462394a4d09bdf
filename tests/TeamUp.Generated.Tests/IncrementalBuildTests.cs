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
        var configuration = typeof(InvoicesClient).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var start = new ProcessStartInfo("dotnet", ["build", Repo.PathOf("src", "TeamUp.Generated", "TeamUp.Generated.csproj"),
            "-c", configuration, "--no-restore", "-v:n", "-nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var build = Process.Start(start)!;
        var output = await build.StandardOutput.ReadToEndAsync();
        await build.WaitForExitAsync();

        Assert.True(build.ExitCode == 0, output);
        Assert.Contains("Skipping target \"NSwagGenerate\" because all output files are up-to-date", output);
    }
}
