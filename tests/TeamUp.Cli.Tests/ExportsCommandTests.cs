using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using TeamUp.Sandbox;

namespace TeamUp.Cli.Tests;

/// <summary><c>teamup exports ...</c> in-process against a sandbox of its own (activity changes its data).</summary>
public sealed class ExportsCommandTests : IAsyncLifetime
{
    private TeamUpSandbox _sandbox = null!;
    private readonly string _dir = Tool.TempDirectory();

    public async Task InitializeAsync() =>
        _sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Invoices = 240, Customers = 40 });

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string Ledger => Path.Combine(_dir, "ledger.db");

    private int BookedCount => _sandbox.Data.InvoicesFor(_sandbox.DefaultProviderId).Count(i => i.Status is not ("draft" or "upcoming"));

    private Task<CliResult> RunAsync(params string[] args) => Tool.RunAsync(_sandbox, args);

    private async Task<CliResult> RunWithStdinAsync(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var host = Tool.FastRetries with { Stdin = () => new StringReader(stdin) };
        var code = await Program.RunAsync([.. args, .. Tool.Connect(_sandbox)], stdout, stderr, host);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    private static List<JsonObject> Lines(CliResult result) => [.. result.StdoutLines.Select(l => JsonNode.Parse(l)!.AsObject())];

    [Fact]
    public async Task Pending_then_mark_from_stdin_then_nothing_pending_with_history_status_and_forget()
    {
        var pending = await RunAsync("exports", "pending", "--system", "xero", "--ledger", Ledger);
        Assert.True(pending.ExitCode == 0, pending.ToString());
        var lines = Lines(pending);
        Assert.Equal(BookedCount, lines.Count);
        Each.Of(lines, l => Assert.Equal("new", (string?)l["reason"]));
        Each.Of(lines, l => Assert.StartsWith("f1:", (string?)l["version"]));
        Each.Of(lines, l => Assert.Equal((int)l["id"]!, (int)l["invoice"]!["id"]!));

        var mark = await RunWithStdinAsync(pending.Stdout, "exports", "mark", "--system", "xero", "--note", "imported by hand", "--reference", "batch-7",
            "--ledger", Ledger, "-");
        Assert.True(mark.ExitCode == 0, mark.ToString());
        Assert.Equal($"Marked {BookedCount} invoices exported to xero", mark.StdoutLines.Single());

        var after = await RunAsync("exports", "pending", "--system", "xero", "--ledger", Ledger);
        Assert.Empty(after.StdoutLines);
        var other = await RunAsync("exports", "pending", "--system", "datev-prod", "--ledger", Ledger);
        Assert.Equal(BookedCount, other.StdoutLines.Length);

        var status = await RunAsync("exports", "status", "--system", "xero", "--ledger", Ledger);
        Assert.Equal(BookedCount, (int)JsonNode.Parse(status.Stdout)!["exported"]!);

        var id = (int)lines[0]["id"]!;
        var history = await RunAsync("exports", "history", id.ToString(), "--ledger", Ledger);
        var entry = Assert.Single(Lines(history));
        Assert.Equal(("exported", "imported by hand", "batch-7", "xero"), ((string?)entry["kind"], (string?)entry["note"], (string?)entry["reference"], (string?)entry["system"]));

        var forget = await RunAsync("exports", "forget", "--system", "xero", "--note", "re-import", "--ledger", Ledger, id.ToString(), "99999999");
        Assert.Equal("Forgot 1 invoices for xero (1 were not marked)", forget.StdoutLines.Single());
        var again = Lines(await RunAsync("exports", "pending", "--system", "xero", "--ledger", Ledger));
        Assert.Equal((id, "new"), ((int)again.Single()["id"]!, (string?)again.Single()["reason"]));
        Assert.Equal(["exported", "forgotten"], Lines(await RunAsync("exports", "history", id.ToString(), "--system", "xero", "--ledger", Ledger)).Select(l => (string?)l["kind"]));
    }

    [Fact]
    public async Task Sync_delivers_batches_through_the_command_and_the_changed_ones_next_time()
    {
        var delivered = Path.Combine(_dir, "delivered.ndjson");
        var keys = Path.Combine(_dir, "keys.txt");
        var exec = $"cat >> '{delivered}'; echo \"$TEAMUP_EXPORT_SYSTEM $TEAMUP_IDEMPOTENCY_KEY\" >> '{keys}'";

        var first = await RunAsync("exports", "sync", "--system", "xero", "--exec", exec, "--batch-size", "25", "--ledger", Ledger);

        Assert.True(first.ExitCode == 0, first.ToString());
        var batches = (BookedCount + 24) / 25;
        Assert.StartsWith($"Synced xero: {BookedCount} delivered in {batches} batches, {BookedCount} marked exported, 0 failed, 0 uncertain", first.Stdout);
        var lines = File.ReadAllLines(delivered).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(BookedCount, lines.Select(l => (int)l["id"]!).Distinct().Count());
        Each.Of(lines, l => Assert.StartsWith("teamup-", (string?)l["idempotency_key"]));
        Each.Of(File.ReadAllLines(keys), k => Assert.Matches("^xero teamup-batch-[0-9a-f]{32}$", k));

        var open = _sandbox.Data.InvoicesFor(_sandbox.DefaultProviderId).Where(i => i.Status == "open").Take(2).ToList();
        _sandbox.Activity.Pay(open[0].Id);
        _sandbox.Activity.SetAmountDue(open[1].Id, open[1].TotalAmountDue + 3);
        File.Delete(delivered);
        var second = await RunAsync("exports", "sync", "--system", "xero", "--exec", exec, "--ledger", Ledger);

        Assert.StartsWith("Synced xero: 2 delivered in 1 batches, 2 marked exported", second.Stdout);
        var changed = File.ReadAllLines(delivered).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal([open[0].Id, open[1].Id], changed.Select(l => (int)l["id"]!).Order());
        Each.Of(changed, l => Assert.Equal("changed", (string?)l["reason"]));
    }

    [Fact]
    public async Task A_failing_command_marks_nothing_and_exits_1_with_its_error()
    {
        var result = await RunAsync("exports", "sync", "--system", "xero", "--exec", $"cat > '{Path.Combine(_dir, "sink")}'; echo 'xero said 503' >&2; exit 4",
            "--ledger", Ledger);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--exec command exited with 4: xero said 503", result.Stderr);
        Assert.Contains("0 marked exported", result.Stdout);
        Assert.Contains("stopped after repeated failures", result.Stdout);
        var status = JsonNode.Parse((await RunAsync("exports", "status", "--system", "xero", "--ledger", Ledger)).Stdout)!;
        Assert.Equal(0, (int)status["exported"]!);
        Assert.Equal(30, (int)status["failed"]!);
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("")]
    [InlineData("x/y")]
    public async Task A_bad_system_name_is_a_usage_error_before_any_request(string system)
    {
        _sandbox.ClearRequestLog();

        var result = await RunAsync("exports", "pending", "--system", system, "--ledger", Ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--system", result.Stderr);
        Assert.Empty(_sandbox.RequestLog);
        Assert.False(File.Exists(Ledger));
    }

    [Fact]
    public async Task A_file_that_is_not_a_ledger_or_a_missing_folder_is_a_usage_error_and_nothing_is_touched()
    {
        var text = Path.Combine(_dir, "notes.txt");
        await File.WriteAllTextAsync(text, "my notes");
        _sandbox.ClearRequestLog();

        var notLedger = await RunAsync("exports", "mark", "--system", "xero", "--note", "x", "--ledger", text, "1");
        var missing = await RunAsync("exports", "sync", "--system", "xero", "--exec", "cat", "--ledger", Path.Combine(_dir, "no-such-folder", "l.db"));
        var status = await RunAsync("exports", "status", "--system", "xero", "--ledger", text);

        Assert.Equal((2, 2, 2), (notLedger.ExitCode, missing.ExitCode, status.ExitCode));
        Assert.Contains("is not a TeamUp export ledger", notLedger.Stderr);
        Assert.Contains("does not exist", missing.Stderr);
        Assert.Equal("my notes", await File.ReadAllTextAsync(text));
        Assert.Empty(_sandbox.RequestLog);
        Assert.DoesNotContain("   at ", notLedger.Stderr + missing.Stderr);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("{\"version\":\"f1:x\"}")]
    [InlineData("-5")]
    public async Task A_bad_stdin_line_marks_nothing(string bad)
    {
        var good = _sandbox.Data.InvoicesFor(_sandbox.DefaultProviderId)[0].Id;

        var result = await RunWithStdinAsync($"{good}\n{bad}\n", "exports", "mark", "--system", "xero", "--note", "x", "--ledger", Ledger, "-");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("stdin line 2", result.Stderr);
        var status = JsonNode.Parse((await RunAsync("exports", "status", "--system", "xero", "--ledger", Ledger)).Stdout)!;
        Assert.Equal(0, (int)status["exported"]!);
    }

    [Theory]
    [InlineData("mark")]
    [InlineData("sync")]
    public async Task A_blank_note_is_a_usage_error_and_nothing_is_marked(string command)
    {
        var ids = _sandbox.Data.InvoicesFor(_sandbox.DefaultProviderId).Where(i => i.Status is not ("draft" or "upcoming")).Take(2)
            .Select(i => i.Id.ToString(CultureInfo.InvariantCulture));
        foreach (var blank in new[] { "", "   " })
        {
            var result = command == "mark"
                ? await RunAsync(["exports", "mark", "--system", "xero", "--note", blank, "--ledger", Ledger, .. ids])
                : await RunAsync("exports", "sync", "--system", "xero", "--note", blank, "--exec", "cat", "--ledger", Ledger);
            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains("--note is blank", result.Stderr);
            Assert.DoesNotContain("   at ", result.Stderr);
        }
        var pending = await RunAsync("exports", "pending", "--system", "xero", "--ledger", Ledger);
        Assert.Equal(BookedCount, pending.StdoutLines.Length);
    }

    [Fact]
    public async Task The_ledger_named_by_TEAMUP_LEDGER_in_the_run_environment_is_the_one_used()
    {
        var named = Path.Combine(_dir, "from-environment.db");
        var id = _sandbox.Data.InvoicesFor(_sandbox.DefaultProviderId).First(i => i.Status is not ("draft" or "upcoming")).Id.ToString(CultureInfo.InvariantCulture);
        var result = await Tool.RunWithEnvironmentAsync(new Dictionary<string, string> { ["TEAMUP_LEDGER"] = named },
            ["exports", "mark", "--system", "xero", "--note", "by hand", id, .. Tool.Connect(_sandbox)]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(named));
        var history = await RunAsync("exports", "history", "--system", "xero", "--ledger", named, id);
        Assert.Contains("by hand", history.Stdout);
    }

    [Fact]
    public async Task Only_new_include_drafts_and_not_exported_since_on_the_command_line()
    {
        var mark = await RunAsync("exports", "sync", "--system", "xero", "--exec", $"cat >> '{Path.Combine(_dir, "sink")}'", "--ledger", Ledger);
        Assert.Equal(0, mark.ExitCode);
        var drafts = _sandbox.Data.InvoicesFor(_sandbox.DefaultProviderId).Count(i => i.Status is "draft" or "upcoming");

        var onlyNew = await RunAsync("exports", "pending", "--system", "xero", "--only-new", "--ledger", Ledger);
        var withDrafts = await RunAsync("exports", "pending", "--system", "xero", "--include-drafts", "--ledger", Ledger);
        var since = await RunAsync("exports", "pending", "--system", "xero", "--not-exported-since", DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"), "--ledger", Ledger);
        var contradiction = await RunAsync("exports", "pending", "--system", "xero", "--only-new", "--not-exported-since", "2026-01-01T00:00:00Z", "--ledger", Ledger);

        Assert.Empty(onlyNew.StdoutLines);
        Assert.Equal(drafts, withDrafts.StdoutLines.Length);
        Each.Of(Lines(withDrafts), l => Assert.Contains((string?)l["invoice"]!["status"], new[] { "draft", "upcoming" }));
        Assert.Equal(BookedCount, since.StdoutLines.Length);
        Each.Of(Lines(since), l => Assert.Equal("not_exported_since", (string?)l["reason"]));
        Assert.Equal(2, contradiction.ExitCode);
    }
}
