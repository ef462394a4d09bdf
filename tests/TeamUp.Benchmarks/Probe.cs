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
    }

    private static async Task Time(string what, Func<Task<int>> run)
    {
        await run();
        var watch = Stopwatch.StartNew();
        var count = await run();
        Console.WriteLine($"{what}: {watch.Elapsed.TotalMilliseconds * 1000 / count:0.00} µs/row");
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
