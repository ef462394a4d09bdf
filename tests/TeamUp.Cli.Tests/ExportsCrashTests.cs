using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using TeamUp.Ledger;
using TeamUp.Ledger.Sqlite;
using TeamUp.Sandbox;

namespace TeamUp.Cli.Tests;

/// <summary>
/// <c>teamup exports sync</c> killed with SIGKILL at random moments (a slow exporter), then run to the end: every
/// invoice delivered at least once, marked once, and every extra delivery is an uncertain one from a killed batch,
/// carrying the idempotency key of the first.
/// </summary>
public sealed class ExportsCrashTests : IAsyncLifetime
{
    private TeamUpSandbox _sandbox = null!;
    private readonly string _dir = Tool.TempDirectory();

    public async Task InitializeAsync() =>
        _sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Invoices = 300, Customers = 40 });

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Without_ledger_the_TEAMUP_LEDGER_variable_names_the_file()
    {
        var ledger = Path.Combine(_dir, "from-env.db");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[Tool.ToolPath, "exports", "mark", "--system", "xero", "--note", "env", .. Tool.Connect(_sandbox),
                     _sandbox.Data.InvoicesFor(_sandbox.DefaultProviderId)[0].Id.ToString()])
        {
            start.ArgumentList.Add(a);
        }
        foreach (var name in new[] { "TEAMUP_BASE_URL", "TEAMUP_TOKEN", "TEAMUP_PROVIDER_ID" }) start.Environment.Remove(name);
        start.Environment["TEAMUP_LEDGER"] = ledger;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await stdout + await stderr);
        await using var store = new SqliteExportLedgerStore(ledger);
        Assert.Equal(1, (await store.GetStatusAsync("xero")).Exported);
    }

    private Process StartSync(string ledger, string witness, params string[] extra)
    {
        // The exporter appends what it received to the witness file first, then takes its time: a kill during the
        // sleep is a batch delivered but not confirmed, the case that must come back as uncertain.
        var exec = "while IFS= read -r line; do printf '%s\\n' \"$line\" >> \"$WITNESS\"; done; sleep 0.25";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[Tool.ToolPath, "exports", "sync", "--system", "xero", "--exec", exec, "--ledger", ledger, .. extra, .. Tool.Connect(_sandbox)])
        {
            start.ArgumentList.Add(a);
        }
        foreach (var name in new[] { "TEAMUP_BASE_URL", "TEAMUP_TOKEN", "TEAMUP_PROVIDER_ID", "TEAMUP_LEDGER" }) start.Environment.Remove(name);
        start.Environment["WITNESS"] = witness;
        return Process.Start(start)!;
    }

    [Fact]
    public async Task Killed_at_random_moments_then_run_to_the_end_delivers_everything_at_least_once_and_marks_once()
    {
        var ledger = Path.Combine(_dir, "ledger.db");
        var witness = Path.Combine(_dir, "witness.ndjson");
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var kills = 0;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var process = StartSync(ledger, witness);
            var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
            var exited = process.WaitForExitAsync();
            // dotnet starts in about a second here; the whole run takes several, so most kills land mid-run.
            await Task.WhenAny(exited, Task.Delay(TimeSpan.FromMilliseconds(random.Next(1200, 4000))));
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: false);   // SIGKILL: no cleanup, no finally, no flush
                kills++;
            }
            await exited;
            await drain;
        }
        Assert.True(kills >= 2, $"only {kills} runs were killed mid-way (seed {seed}); the test proves little");

        using var final = StartSync(ledger, witness);
        var stdout = final.StandardOutput.ReadToEndAsync();
        var stderr = final.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            await final.WaitForExitAsync(timeout.Token);
        }
        await Task.Delay(500);   // a killed run's orphaned exporter may still be appending its last lines
        var summary = await stdout;
        Assert.True(final.ExitCode == 0, $"seed {seed}\n{summary}\n{await stderr}");

        var booked = _sandbox.Data.InvoicesFor(_sandbox.DefaultProviderId).Where(i => i.Status is not ("draft" or "upcoming")).Select(i => (long)i.Id).ToHashSet();
        var deliveries = File.ReadAllLines(witness).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var byInvoice = deliveries.GroupBy(d => (long)d["id"]!).ToDictionary(g => g.Key, g => g.ToList());

        // Every booked invoice delivered at least once, and nothing else.
        Assert.Equal(booked.Order(), byInvoice.Keys.Order());

        // Marked once: one "exported" entry per invoice, and the ledger holds them all.
        await using var store = new SqliteExportLedgerStore(ledger);
        Assert.Equal(booked.Count, (await store.GetStatusAsync("xero")).Exported);
        foreach (var id in booked)
        {
            var history = await store.GetHistoryAsync(id, "xero");
            Assert.Equal(1, history.Count(e => e.Kind == LedgerEventKind.Exported));
        }

        // Duplicates only from killed batches: every delivery after the first is marked uncertain, carries the first
        // one's idempotency key, and the ledger recorded why (an uncertain hand-out). (A first delivery may be marked
        // uncertain too: the batch claimed ahead when the kill came; an over-count, never a missed duplicate.)
        var duplicated = byInvoice.Where(kv => kv.Value.Count > 1).ToList();
        foreach (var (id, list) in duplicated)
        {
            Each.Of(list.Skip(1), d => Assert.True((bool)d["uncertain"]!, $"invoice {id} was delivered again without being uncertain (seed {seed})"));
            Each.Of(list, d => Assert.Equal((string?)list[0]["idempotency_key"], (string?)d["idempotency_key"]));
            Assert.True(list.Count <= kills + 1);
            Assert.Contains(await store.GetHistoryAsync(id, "xero"), e => e.Kind == LedgerEventKind.Uncertain);
        }
        // ... and the runs counted them: a killed run's batch is counted by the run that delivers it again.
        var uncertainDeliveries = deliveries.Count(d => (bool)d["uncertain"]!);
        Assert.True(uncertainDeliveries >= duplicated.Sum(kv => kv.Value.Count - 1));
        Assert.True(duplicated.Count <= kills * 10, $"{duplicated.Count} duplicated invoices from {kills} kills of 10-invoice batches (seed {seed})");
    }
}
