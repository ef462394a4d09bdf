using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using TeamUp.Sandbox;

namespace TeamUp.Ledger.PostgreSql.Tests;

/// <summary>One <c>teamup exports sync</c> process, its output collected as it runs.</summary>
public sealed class Worker : IDisposable
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    public Worker(Process process, string name)
    {
        Process = process;
        Name = name;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Name { get; }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>A number from the summary line ("Synced x: 120 delivered in 12 batches, 110 marked exported, ... 10 uncertain ...").</summary>
    public int Summary(string what)
    {
        var match = Regex.Match(Stdout, $@"(\d+) {Regex.Escape(what)}");
        return match.Success ? int.Parse(match.Groups[1].Value) : 0;
    }

    public async Task<int> ExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Name} did not finish within {timeout.TotalSeconds:0} s\n{this}");
        }
        Process.WaitForExit(); // drains the output events
        return Process.ExitCode;
    }

    public override string ToString() => $"--- {Name} (pid {Process.Id}) stdout\n{Stdout}--- stderr\n{Stderr}";

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        Process.Dispose();
    }
}

/// <summary>
/// Runs <c>teamup exports sync</c> worker processes against a sandbox and a PostgreSQL ledger, with an exporter script
/// that keeps every delivery it receives as a file: the target's own log, the witness of what was delivered how often.
/// </summary>
public sealed class WorkerPool : IAsyncDisposable
{
    public const string System = "xero";
    private readonly List<Worker> _workers = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("teamup-workers-").FullName;

    public WorkerPool(TeamUpSandbox sandbox, string ledgerConnectionString, string schema, TimeSpan lease, TimeSpan exporterDelay, int batchSize = 10)
    {
        Sandbox = sandbox;
        ConnectionString = ledgerConnectionString;
        Schema = schema;
        Lease = lease;
        ExporterDelay = exporterDelay;
        BatchSize = batchSize;
        DeliveryDir = Directory.CreateDirectory(Path.Combine(_dir, "deliveries")).FullName;
        ExporterScript = Path.Combine(_dir, "exporter.sh");
        // The target: reads the batch, takes its time, then keeps it (the rename is its acknowledgement).
        File.WriteAllText(ExporterScript,
            """
            #!/bin/sh
            f="$DELIVERY_DIR/$(date +%s%N).$$"
            cat > "$f.part" || exit 1
            sleep "$EXPORTER_DELAY"
            mv "$f.part" "$f.ndjson"
            """);
    }

    public TeamUpSandbox Sandbox { get; }

    public string ConnectionString { get; }

    public string Schema { get; }

    public TimeSpan Lease { get; }

    public TimeSpan ExporterDelay { get; }

    public int BatchSize { get; }

    public string DeliveryDir { get; }

    public string ExporterScript { get; }

    public IReadOnlyList<Worker> Workers => _workers;

    /// <summary>The ledger as a worker is told it: the connection string with the test's schema.</summary>
    public string Ledger => $"{ConnectionString};Schema={Schema}";

    public Worker Start(string? name = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        foreach (var a in (string[])[ToolPath, "exports", "sync", "--system", System, "--exec", $"sh {ExporterScript}", "--ledger", Ledger,
                     "--lease", ((int)Lease.TotalSeconds).ToString(), "--batch-size", BatchSize.ToString(),
                     "--base-url", Sandbox.BaseUrl.ToString(), "--token", Sandbox.Token])
        {
            start.ArgumentList.Add(a);
        }
        foreach (var variable in new[] { "TEAMUP_BASE_URL", "TEAMUP_TOKEN", "TEAMUP_PROVIDER_ID", "TEAMUP_LEDGER" }) start.Environment.Remove(variable);
        start.Environment["DELIVERY_DIR"] = DeliveryDir;
        start.Environment["EXPORTER_DELAY"] = ExporterDelay.TotalSeconds.ToString("0.###", global::System.Globalization.CultureInfo.InvariantCulture);
        var worker = new Worker(Process.Start(start)!, name ?? $"worker {_workers.Count + 1}");
        _workers.Add(worker);
        return worker;
    }

    /// <summary>Waits for every worker; each must exit 0.</summary>
    public async Task AllSucceedAsync(TimeSpan timeout)
    {
        foreach (var worker in _workers)
        {
            var code = await worker.ExitAsync(timeout);
            Assert.True(code == 0, $"{worker.Name} exited {code}\n{worker}");
        }
    }

    public string Output => string.Join('\n', _workers.Select(w => w.ToString()));

    /// <summary>Every delivery the target kept: invoice id, idempotency key, whether the worker said it was uncertain.</summary>
    public List<(long Id, string Key, bool Uncertain)> Deliveries()
    {
        var list = new List<(long, string, bool)>();
        foreach (var file in Directory.GetFiles(DeliveryDir, "*.ndjson"))
        {
            foreach (var line in File.ReadLines(file).Where(l => l.Length > 0))
            {
                var json = JsonDocument.Parse(line).RootElement;
                list.Add((json.GetProperty("id").GetInt64(), json.GetProperty("idempotency_key").GetString()!, json.GetProperty("uncertain").GetBoolean()));
            }
        }
        return list;
    }

    /// <summary>How often each invoice was marked exported (history entries of kind exported).</summary>
    public async Task<Dictionary<long, long>> MarksAsync() => await CountEventsAsync("exported");

    public async Task<Dictionary<long, long>> CountEventsAsync(string kind)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT invoice_id, count(*) FROM {Schema}.events WHERE system = @s AND kind = @k GROUP BY invoice_id", connection);
        command.Parameters.AddWithValue("s", System);
        command.Parameters.AddWithValue("k", kind);
        var counts = new Dictionary<long, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) counts[reader.GetInt64(0)] = reader.GetInt64(1);
        return counts;
    }

    /// <summary>The booked invoices of the sandbox's default provider: what a sync must deliver.</summary>
    public HashSet<long> Booked =>
        [.. Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId).Where(i => i.Status is not ("draft" or "upcoming")).Select(i => (long)i.Id)];

    /// <summary>The built tool: next to the tests when the build copied it, else in the CLI project's output.</summary>
    public static string ToolPath
    {
        get
        {
            var here = Path.Combine(AppContext.BaseDirectory, "teamup.dll");
            if (File.Exists(here) && File.Exists(Path.Combine(AppContext.BaseDirectory, "teamup.runtimeconfig.json"))) return here;
            var root = AppContext.BaseDirectory;
            while (root is not null && !File.Exists(Path.Combine(root, "TeamUp.Generated.sln"))) root = Path.GetDirectoryName(root);
            var config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Parent!.Name;
            return Path.Combine(root!, "src", "TeamUp.Cli", "bin", config, "net10.0", "teamup.dll");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers) worker.Dispose();
        await Task.CompletedTask;
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
