using System.Diagnostics;
using TeamUp.Generated;

namespace TeamUp.Benchmarks;

/// <summary>
/// `probe N`: the cost per CSV row of reading it typed, split by kind of property (plain, dates, an amount, an
/// enum, a nested object, the whole report row), timed with a stopwatch. A quick look at where typed CSV time goes
/// (Newtonsoft's conversion of each cell); the ratios that count are the benchmarks'.
/// </summary>
internal static class Probe
{
    public sealed class Small
    {
        [Newtonsoft.Json.JsonProperty("id")] public int? Id { get; set; }
        [Newtonsoft.Json.JsonProperty("status")] public string? Status { get; set; }
    }

    public sealed class Dates
    {
        [Newtonsoft.Json.JsonProperty("due_date")] public DateOnly? DueDate { get; set; }
        [Newtonsoft.Json.JsonProperty("paid_at")] public DateTimeOffset? PaidAt { get; set; }
    }

    public sealed class Amount
    {
        [Newtonsoft.Json.JsonProperty("total_amount")] public Money? Total { get; set; }
    }

    public sealed class Enums
    {
        [Newtonsoft.Json.JsonProperty("status")] public ReportInvoiceStatus? Status { get; set; }
    }

    public sealed class Nested
    {
        [Newtonsoft.Json.JsonProperty("customer")] public ReportCustomer? Customer { get; set; }
    }

    public static async Task RunAsync(int rows)
    {
        using var client = new TeamUpClient(new TeamUpClientOptions { BaseUrl = new Uri("http://127.0.0.1:9/api/v2/"), ApiKey = "bench" },
            new ExportFileHost(() => GeneratedExport.Csv(rows), "text/csv"));
        await Time("dictionaries", () => Count(client.Jobs.GetExportJob(1, ReportFormat.Csv).ReadRowsAsync()));
        await Time("Small", () => Count(client.Jobs.GetExportJob(1, ReportFormat.Csv).ReadRowsAsync<Small>()));
        await Time("Dates", () => Count(client.Jobs.GetExportJob(1, ReportFormat.Csv).ReadRowsAsync<Dates>()));
        await Time("Amount", () => Count(client.Jobs.GetExportJob(1, ReportFormat.Csv).ReadRowsAsync<Amount>()));
        await Time("Enums", () => Count(client.Jobs.GetExportJob(1, ReportFormat.Csv).ReadRowsAsync<Enums>()));
        await Time("Nested", () => Count(client.Jobs.GetExportJob(1, ReportFormat.Csv).ReadRowsAsync<Nested>()));
        await Time("InvoicesReportRow", () => Count(client.Jobs.GetExportJob(1, ReportFormat.Csv).ReadRowsAsync<InvoicesReportRow>()));
        await Time("InvoicesReportRow, previous reader (JObject per row)", () => Task.FromResult(PreviousCsvTyped(rows)));
        await Time("CsvHelper strings", () => Task.FromResult(CsvStrings(rows)));
    }

    private static int CsvStrings(int rows)
    {
        using var csv = CsvHelper.CsvReader.Create(new StreamReader(GeneratedExport.Csv(rows)), new CsvHelper.CsvReaderOptions { HasHeader = true });
        var count = 0;
        while (csv.Read())
        {
            for (var i = 0; i < csv.FieldCount; i++)
            {
                _ = csv.GetString(i);
            }
            count++;
        }
        return count;
    }

    // The reader before issue 13: each record built as its JSON row (a JObject, dotted keys nested), then ToObject.
    private static int PreviousCsvTyped(int rows)
    {
        var settings = TeamUp.Generated.Serialization.TeamUpJson.CreateSettings();
        var serializer = Newtonsoft.Json.JsonSerializer.Create(settings);
        using var csv = CsvHelper.CsvReader.Create(new StreamReader(GeneratedExport.Csv(rows)), new CsvHelper.CsvReaderOptions { HasHeader = true });
        var count = 0;
        string[]? keys = null;
        while (csv.Read())
        {
            keys ??= csv.Headers!.ToArray();
            var row = new Newtonsoft.Json.Linq.JObject();
            for (var i = 0; i < keys.Length; i++)
            {
                var path = keys[i].Split('.');
                var parent = row;
                for (var depth = 0; depth < path.Length - 1; depth++)
                {
                    if (parent[path[depth]] is not Newtonsoft.Json.Linq.JObject child)
                    {
                        child = new Newtonsoft.Json.Linq.JObject();
                        parent[path[depth]] = child;
                    }
                    parent = child;
                }
                var cell = csv.GetString(i);
                parent[path[^1]] = cell.Length == 0 ? Newtonsoft.Json.Linq.JValue.CreateNull() : new Newtonsoft.Json.Linq.JValue(cell);
            }
            // Amounts are bare numbers in CSV: leave them out here (the SDK reads them with its amount converter).
            row.Remove("total_amount");
            _ = row.ToObject<InvoicesReportRow>(serializer);
            count++;
        }
        return count;
    }

    private static async Task Time(string what, Func<Task<int>> run)
    {
        await run();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var count = await run();
        process.Refresh();
        // CPU time too: on a shared machine the wall clock follows the neighbours.
        Console.WriteLine($"{what}: {watch.Elapsed.TotalMilliseconds * 1000 / count:0.00} µs/row, CPU {(process.TotalProcessorTime - cpu).TotalMilliseconds * 1000 / count:0.00} µs/row");
    }

    private static async Task<int> Count<T>(IAsyncEnumerable<T> rows)
    {
        var count = 0;
        await foreach (var _ in rows)
        {
            count++;
        }
        return count;
    }
}
