using System.Diagnostics;

namespace TeamUp.Benchmarks;

/// <summary>
/// `cpu N ROUNDS`: the export-row readers of <see cref="ExportRowBenchmarks"/> against their floors in process CPU time
/// (all threads, the GC's included), taken in turns, round after round, so each ratio compares readers that ran
/// seconds apart. On a machine shared with other builds, wall-clock ratios between benchmarks measured minutes apart
/// follow the neighbours' load; CPU time follows the work. BenchmarkDotNet's ratios remain the reference on an idle box.
/// </summary>
internal static class CpuRatios
{
    public static async Task RunAsync(int rows, int rounds)
    {
        var bench = new ExportRowBenchmarks();
        bench.Setup();
        bench.Rows = rows;
        (string Name, string Floor, Func<Task<int>> Read)[] readers =
        [
            ("CsvHelper, records as strings (floor)", "csv", bench.CsvHelperStrings),
            ("CSV ReadRowsAsync() dictionaries", "csv", bench.CsvDictionaries),
            ("CSV ReadRowsAsync<InvoicesReportRow>()", "csv", bench.CsvTyped),
            ("JsonTextReader walk (floor)", "json", () => Task.FromResult(bench.JsonWalk())),
            ("JsonSerializer per row (Newtonsoft)", "json", () => Task.FromResult(bench.JsonSerializerRows())),
            ("JSON ReadRowsAsync() dictionaries", "json", bench.JsonDictionaries),
            ("JSON ReadRowsAsync<InvoicesReportRow>()", "json", bench.JsonTyped),
        ];
        var ratios = readers.Select(_ => new List<double>()).ToArray();
        using var process = Process.GetCurrentProcess();
        for (var round = 0; round < rounds + 1; round++)
        {
            var cpu = new double[readers.Length];
            for (var i = 0; i < readers.Length; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                process.Refresh();
                var before = process.TotalProcessorTime;
                var count = await readers[i].Read();
                process.Refresh();
                cpu[i] = (process.TotalProcessorTime - before).TotalMilliseconds;
                if (count != rows)
                {
                    throw new InvalidOperationException($"{readers[i].Name} read {count} rows, not {rows}.");
                }
            }
            if (round == 0)
            {
                continue; // warm-up
            }
            for (var i = 0; i < readers.Length; i++)
            {
                var floor = Array.FindIndex(readers, r => r.Floor == readers[i].Floor);
                ratios[i].Add(cpu[i] / cpu[floor]);
            }
            Console.WriteLine($"round {round}: " + string.Join(", ", readers.Select((r, i) => $"{cpu[i]:F0} ms")));
        }
        Console.WriteLine($"{rows:N0} rows, {rounds} rounds, CPU time ratio to the floor (median, min–max):");
        for (var i = 0; i < readers.Length; i++)
        {
            var sorted = ratios[i].Order().ToArray();
            Console.WriteLine($"  {readers[i].Name,-42} {sorted[sorted.Length / 2]:F2}x ({sorted[0]:F2}–{sorted[^1]:F2})");
        }
    }
}
