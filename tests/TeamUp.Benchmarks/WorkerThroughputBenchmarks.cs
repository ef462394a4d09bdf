using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TeamUp.Sandbox;
using TeamUp.Testing;

namespace TeamUp.Benchmarks;

/// <summary>
/// Sync throughput with several workers: 1, 2 or 4 real <c>teamup exports sync</c> processes share one PostgreSQL
/// ledger (a throwaway local cluster, as the tests start) and one sandbox answering every request 50 ms late. The
/// exporter is <c>cat &gt;&gt; file; sleep 0.05</c>: a target that takes 50 ms per batch of 10. One operation is a
/// whole sync of every booked invoice (5,078 of the sandbox's 10,600 by default) into a fresh ledger schema, so the
/// ratio column is the speed-up over one worker. <see cref="Build"/> is the CLI as built (<c>jit</c>) or published
/// ReadyToRun (<c>r2r</c>); each is published once per run into <c>BenchmarkDotNet.Artifacts/teamup-cli</c>.
/// </summary>
/// <remarks>
/// In process (the benchmark process only starts the workers and waits; the sandbox runs in it), few iterations: one
/// is a minute-long multi-process run. <c>TEAMUP_BENCH_INVOICES</c> sets the sandbox's invoice count for a quick look,
/// <c>TEAMUP_BENCH_ITERATIONS</c> the number of iterations. A run whose workers do not all exit 0 or do not mark every
/// booked invoice throws instead of giving a time.
/// </remarks>
[Config(typeof(WorkerJobConfig))]
public class WorkerThroughputBenchmarks
{
    private static readonly Dictionary<string, string> Published = [];

    private PostgresServer? _server;
    private TeamUpSandbox? _sandbox;
    private string _ledger = "";
    private string _folder = "";
    private string _tool = "";
    private int _booked;
    private int _iteration;

    /// <summary>The CLI as <c>dotnet build</c>/<c>pack</c> make it (<c>jit</c>), or published ReadyToRun (<c>r2r</c>).</summary>
    [Params("jit", "r2r")]
    public string Build { get; set; } = "jit";

    [GlobalSetup]
    public async Task Setup()
    {
        _tool = Publish(Build);
        _folder = Directory.CreateTempSubdirectory("teamup-worker-bench-").FullName;
        _server = await PostgresServer.FromEnvironmentOrStartAsync();
        _ledger = await _server.CreateDatabaseAsync("teamup_workers");
        var invoices = int.TryParse(Environment.GetEnvironmentVariable("TEAMUP_BENCH_INVOICES"), out var n) ? n : 10_600;
        _sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions
        {
            Invoices = invoices,
            Faults = new SandboxFaultOptions { Latency = TimeSpan.FromMilliseconds(50) },
        });
        _booked = _sandbox.Data.InvoicesFor(_sandbox.DefaultProviderId).Count(i => i.Status is not ("draft" or "upcoming"));
        // The first start of a freshly published tool reads its files from disk; no iteration should pay for that.
        await RunAsync(Start("--help"), TimeSpan.FromMinutes(1));
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        if (_sandbox is not null) await _sandbox.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "1 worker")]
    public Task<int> OneWorker() => SyncAsync(1);

    [Benchmark(Description = "2 workers")]
    public Task<int> TwoWorkers() => SyncAsync(2);

    [Benchmark(Description = "4 workers")]
    public Task<int> FourWorkers() => SyncAsync(4);

    /// <summary>N workers sync the sandbox into a schema of their own; the result is the number of invoices marked.</summary>
    private async Task<int> SyncAsync(int workers)
    {
        var schema = $"w{workers}_{++_iteration}_{Environment.ProcessId}";
        var processes = Enumerable.Range(1, workers).Select(w => Start(
            "exports", "sync", "--system", "bench", "--exec", "cat >> \"$WORKER_OUT\"; sleep 0.05", "--ledger", $"{_ledger};Schema={schema}",
            "--lease", "30", "--batch-size", "10", "--base-url", _sandbox!.BaseUrl.ToString(), "--token", _sandbox.Token)).ToList();
        var outputs = await Task.WhenAll(processes.Select(p => RunAsync(p, TimeSpan.FromMinutes(10))));
        var marked = outputs.Sum(o => Regex.Match(o, @"(\d+) marked exported") is { Success: true } m ? int.Parse(m.Groups[1].Value) : 0);
        if (marked != _booked)
        {
            throw new InvalidOperationException($"{workers} workers marked {marked} invoices, not the {_booked} booked:\n{string.Join("\n", outputs)}");
        }
        return marked;
    }

    private Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _folder };
        start.ArgumentList.Add(_tool);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var variable in new[] { "TEAMUP_BASE_URL", "TEAMUP_TOKEN", "TEAMUP_PROVIDER_ID", "TEAMUP_LEDGER" }) start.Environment.Remove(variable);
        start.Environment["WORKER_OUT"] = Path.Combine(_folder, $"delivered.{Guid.NewGuid():N}.ndjson");
        return Process.Start(start)!;
    }

    /// <summary>Waits for the process; its stdout (the summary line) when it exits 0, else an exception with its stderr.</summary>
    private static async Task<string> RunAsync(Process process, TimeSpan timeout)
    {
        using (process)
        {
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
                throw new TimeoutException($"teamup did not finish within {timeout}:\n{await stderr}");
            }
            return process.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"teamup exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    /// <summary>Publishes the CLI once per run and build kind; returns the path of its <c>teamup.dll</c>.</summary>
    private static string Publish(string build)
    {
        lock (Published)
        {
            if (Published.TryGetValue(build, out var done)) return done;
            var root = AppContext.BaseDirectory;
            while (root is not null && !File.Exists(Path.Combine(root, "TeamUp.Generated.sln"))) root = Path.GetDirectoryName(root);
            if (root is null) throw new InvalidOperationException("Run from the repository: the benchmark publishes src/TeamUp.Cli.");
            var output = Path.Combine(root, "BenchmarkDotNet.Artifacts", "teamup-cli", build);
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in (string[])["publish", Path.Combine(root, "src", "TeamUp.Cli", "TeamUp.Cli.csproj"), "-c", "Release", "-o", output, "-v:q", "-nologo"])
            {
                start.ArgumentList.Add(a);
            }
            if (build == "r2r")
            {
                foreach (var a in (string[])["-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false", "-p:PublishReadyToRun=true"])
                {
                    start.ArgumentList.Add(a);
                }
            }
            Console.WriteLine($"// publishing the CLI ({build}) to {output}");
            RunAsync(Process.Start(start)!, TimeSpan.FromMinutes(15)).GetAwaiter().GetResult();
            return Published[build] = Path.Combine(output, "teamup.dll");
        }
    }
}

/// <summary>
/// Three iterations in process (<c>TEAMUP_BENCH_ITERATIONS</c> changes it), no warm-up: each iteration starts fresh
/// worker processes anyway.
/// </summary>
public sealed class WorkerJobConfig : ManualConfig
{
    public WorkerJobConfig() =>
        AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(0)
            .WithIterationCount(int.TryParse(Environment.GetEnvironmentVariable("TEAMUP_BENCH_ITERATIONS"), out var n) && n > 0 ? n : 3)
            .WithInvocationCount(1).WithUnrollFactor(1).WithToolchain(new InProcessEmitToolchain(TimeSpan.FromHours(1), logOutput: true)));
}
