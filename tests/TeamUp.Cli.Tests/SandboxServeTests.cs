using System.Diagnostics;
using System.Net.Http.Headers;

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
}
