using System.Text.RegularExpressions;

namespace TeamUp.Packaging.Tests;

/// <summary>
/// Packs the shipped projects once (Release, straight from the repo) into a temporary local feed that the tests
/// consume. TeamUp.Generated and TeamUp.Sandbox are packed up front; the teamup tool on first use, so that a broken
/// CLI fails only the tool test, with the pack output in its message.
/// </summary>
public sealed partial class PackageFeedFixture : IAsyncLifetime
{
    private readonly TempDir _root = new("teamup-packaging");
    private readonly SemaphoreSlim _cliLock = new(1, 1);
    private ProcessResult? _cliPack;

    public string Feed => _root.Sub("feed");

    /// <summary>The one version of the repo (Directory.Build.props), read back from the library package's file name.</summary>
    public string Version { get; private set; } = "";

    public string Scratch(string name) => _root.Sub(name);

    public async Task InitializeAsync()
    {
        await PackAsync("TeamUp.Generated");
        await PackAsync("TeamUp.Sandbox");
        var library = Directory.GetFiles(Feed, "TeamUp.Generated.*.nupkg").Single(f => !f.EndsWith(".snupkg", StringComparison.Ordinal));
        Version = VersionInName().Match(Path.GetFileName(library)).Groups["version"].Value;
    }

    /// <summary>Packs src/TeamUp.Cli (once); the result says why when it could not.</summary>
    public async Task<ProcessResult> PackCliAsync()
    {
        await _cliLock.WaitAsync();
        try
        {
            if (!File.Exists(Repo.PathOf("src", "TeamUp.Cli", "TeamUp.Cli.csproj")))
            {
                return _cliPack = new ProcessResult("dotnet pack src/TeamUp.Cli", -1, "", "src/TeamUp.Cli/TeamUp.Cli.csproj does not exist.", TimeSpan.Zero);
            }
            return _cliPack ??= await PackCoreAsync("TeamUp.Cli");
        }
        finally
        {
            _cliLock.Release();
        }
    }

    public Task DisposeAsync()
    {
        _root.Dispose();
        return Task.CompletedTask;
    }

    private async Task PackAsync(string project) => (await PackCoreAsync(project)).EnsureSuccess($"Packing {project}");

    private Task<ProcessResult> PackCoreAsync(string project) =>
        Run.DotnetAsync(["pack", Repo.PathOf("src", project, project + ".csproj"), "-c", "Release", "-o", Feed, "-nologo"], Repo.Root);

    [GeneratedRegex(@"^TeamUp\.Generated\.(?<version>\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex VersionInName();
}
