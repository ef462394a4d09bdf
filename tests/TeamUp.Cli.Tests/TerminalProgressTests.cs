using Microsoft.Data.Sqlite;
using TeamUp.Sandbox;

namespace TeamUp.Cli.Tests;

/// <summary>The one terminal progress bar: <c>exports sync</c> draws it as <c>reports export</c> does (see ResilienceTests).</summary>
public sealed class TerminalProgressTests : IAsyncLifetime
{
    private TeamUpSandbox _sandbox = null!;
    private readonly string _dir = Tool.TempDirectory();

    public async Task InitializeAsync() =>
        _sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Invoices = 60, Customers = 10 });

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Sync_shows_a_progress_bar_that_ends_full_when_stderr_is_a_terminal()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Program.RunAsync(
            ["exports", "sync", "--system", "xero", "--exec", $"cat >> '{Path.Combine(_dir, "sink")}'", "--ledger", Path.Combine(_dir, "ledger.db"), .. Tool.Connect(_sandbox)],
            stdout, stderr, Tool.FastRetries with { StderrIsTerminal = true });

        Assert.True(code == 0, $"{stdout}\n{stderr}");
        Assert.Contains("Syncing to xero", stderr.ToString());
        Assert.Contains("100%", stderr.ToString());
        Assert.StartsWith("Synced xero: ", stdout.ToString());
    }
}
