using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using TeamUp.Sandbox;

namespace TeamUp.Cli.Tests;

/// <summary>`teamup sandbox serve` as a process: it prints where it listens, answers there, and stops cleanly on Ctrl+C or SIGTERM.</summary>
public sealed class SandboxServeTests
{
    [Fact]
    public async Task Serve_prints_its_base_url_answers_there_and_stops_on_a_termination_signal()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Tool.ToolPath, "sandbox", "serve", "--invoices", "40" })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var listening = await process.StandardOutput.ReadLineAsync(startup.Token) ?? "";
            var token = (await process.StandardOutput.ReadLineAsync(startup.Token) ?? "").Split(':', 3)[^1].Trim();
            Assert.StartsWith("TeamUp sandbox listening on http://127.0.0.1:", listening);
            var baseUrl = new Uri(listening["TeamUp sandbox listening on ".Length..]);

            using var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", token);
            using var page = await http.GetAsync(new Uri(baseUrl, "invoices?page_size=5"));
            Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);

            // SIGTERM takes the same path as Ctrl+C (SIGINT), which a shell may have told a background child to ignore.
            using (var interrupt = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync();
            }
            using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(shutdown.Token);

            Assert.Equal(0, process.ExitCode);
            Assert.Contains("sandbox stopped", await stderr);
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(new Uri(baseUrl, "invoices")));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Runs <c>teamup sandbox serve</c> in-process until the returned handle is disposed (as Ctrl+C would).</summary>
    private sealed class Served : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly StringWriter _out = new();
        private readonly StringWriter _err = new();
        private Task<int> _run = Task.FromResult(0);

        public Uri BaseUrl { get; private set; } = null!;

        public HttpClient Http { get; } = new();

        public static async Task<Served> StartAsync(params string[] options)
        {
            var served = new Served();
            served._run = Program.RunAsync(["sandbox", "serve", .. options], TextWriter.Synchronized(served._out), TextWriter.Synchronized(served._err), served._stop.Token);
            using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // a bound for a broken start, never reached otherwise
            while (!served._out.ToString().Contains("Try:", StringComparison.Ordinal))
            {
                Assert.False(served._run.IsCompleted, $"serve ended early: {served._err}");
                await Task.Delay(20, startup.Token);
            }
            var lines = served._out.ToString().Split('\n');
            served.BaseUrl = new Uri(lines[0]["TeamUp sandbox listening on ".Length..].Trim());
            served.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", lines[1].Split(':', 3)[^1].Trim());
            return served;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            Assert.Equal(0, await _run);
            Http.Dispose();
            _stop.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Port_and_seed_choose_where_it_listens_and_which_data_it_serves()
    {
        var port = FreePort();
        await using var served = await Served.StartAsync("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "7", "--invoices", "60");
        await using var seven = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Seed = 7, Invoices = 60 });
        await using var eight = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Seed = 8, Invoices = 60 });

        Assert.Equal(new Uri($"http://127.0.0.1:{port}/api/v2/"), served.BaseUrl);
        var page = JsonDocument.Parse(await served.Http.GetStringAsync(new Uri(served.BaseUrl, "invoices?page_size=20"))).RootElement.GetProperty("results");
        var servedInvoices = page.EnumerateArray().Select(i => $"{i.GetProperty("id").GetInt32()} {i.GetProperty("status").GetString()} {i.GetProperty("due_date").GetString()}").ToList();
        static IEnumerable<string> Expected(TeamUpSandbox sandbox) => sandbox.Data.InvoicesFor(sandbox.DefaultProviderId).Take(20)
            .Select(i => $"{i.Id} {i.Status} {i.DueDate:yyyy-MM-dd}");
        Assert.Equal(20, servedInvoices.Count);
        Assert.Equal(Expected(seven), servedInvoices);
        Assert.NotEqual(Expected(eight), servedInvoices); // the seed is what made them equal
    }

    [Fact]
    public async Task Fault_rate_1_answers_every_GET_with_429_or_5xx_and_latency_delays_every_answer_by_a_second()
    {
        await using var served = await Served.StartAsync("--invoices", "20", "--fault-rate", "1", "--latency", "1000");

        var statuses = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await served.Http.GetAsync(new Uri(served.BaseUrl, "invoices?page_size=5"));
            // A lower bound only (a busy machine makes answers slower, never faster than asked), less 50 ms because a
            // timer may fire a few milliseconds early by the Stopwatch; without --latency an answer takes milliseconds.
            var took = Stopwatch.GetElapsedTime(started);
            Assert.True(took >= TimeSpan.FromMilliseconds(950), $"answered after {took.TotalMilliseconds} ms");
            statuses.Add((int)response.StatusCode);
        }

        Each.Of(statuses, s => Assert.True(s is 429 or >= 500, $"status {s}"));
    }

    [Theory]
    [InlineData("--fault-rate", "1.5")]
    [InlineData("--latency", "-1")]
    [InlineData("--port", "70000")]
    public async Task Out_of_range_values_are_usage_errors(string option, string value)
    {
        var stderr = new StringWriter();
        var exit = await Program.RunAsync(["sandbox", "serve", option, value], new StringWriter(), stderr);
        Assert.Equal(2, exit);
        Assert.Contains(option, stderr.ToString());
    }
}
