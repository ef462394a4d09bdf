using System.Diagnostics;
using TeamUp.Generated;

namespace TeamUp.Benchmarks;

/// <summary>
/// `peak csv|json typed|dictionaries N`: reads an N-row export (generated on the fly) through the SDK in this process
/// and prints the process's peak working set and the managed heap after the reading. Run it once per row count, each in
/// a fresh process (the peak is per process): memory that stays flat as N grows tenfold shows nothing holds the rows.
/// BenchmarkDotNet measures allocations, not a peak, hence this command.
/// </summary>
internal static class PeakMemory
{
    public static async Task RunAsync(string format, string shape, int rows)
    {
        var json = format == "json";
        using var host = new ExportFileHost(() => json ? GeneratedExport.Json(rows) : GeneratedExport.Csv(rows), json ? "application/json" : "text/csv");
        using var client = new TeamUpClient(new TeamUpClientOptions { BaseUrl = new Uri("http://127.0.0.1:9/api/v2/"), ApiKey = "bench" }, host);
        var job = client.Jobs.GetExportJob(1, json ? ReportFormat.Json : ReportFormat.Csv);
        var clock = Stopwatch.StartNew();
        var count = 0;
        if (shape == "typed")
        {
            await foreach (var _ in job.ReadRowsAsync<InvoicesReportRow>())
            {
                count++;
            }
        }
        else
        {
            await foreach (var _ in job.ReadRowsAsync())
            {
                count++;
            }
        }
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(
            $"{format} {shape}: {count:N0} rows in {clock.Elapsed.TotalSeconds:F1} s; peak working set {process.PeakWorkingSet64 / 1048576.0:F1} MiB; " +
            $"managed heap after {GC.GetTotalMemory(forceFullCollection: false) / 1048576.0:F1} MiB; allocated {GC.GetTotalAllocatedBytes() / 1048576.0:F0} MiB");
    }
}
