using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CsvHelper;
using Newtonsoft.Json;
using TeamUp.Generated;

namespace TeamUp.Benchmarks;

/// <summary>
/// Reading a large export (an invoices report, generated on the fly) as rows, against the floors of reading the same
/// bytes: CSV against CsvHelper reading every record as strings (and <c>ReadLine</c>), JSON against a
/// <see cref="JsonTextReader"/> walking every token. Targets at 1,000,000 rows: CSV typed ≤ 2.5x, JSON typed ≤ 1.6x,
/// JSON dictionaries ≤ 2x, allocations within 3x of the floor per row.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ExportRowBenchmarks
{
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(TeamUp.Generated.Serialization.TeamUpJson.CreateSettings());
    private TeamUpClient _csvClient = null!;
    private TeamUpClient _jsonClient = null!;

    /// <summary>1,000,000 rows; TEAMUP_BENCH_ROWS sets fewer for a quick look on a busy machine.</summary>
    [ParamsSource(nameof(RowCounts))]
    public int Rows { get; set; }

    public static IEnumerable<int> RowCounts() =>
        [int.TryParse(Environment.GetEnvironmentVariable("TEAMUP_BENCH_ROWS"), out var rows) && rows > 0 ? rows : 1_000_000];

    [GlobalSetup]
    public void Setup()
    {
        _csvClient = Client(new ExportFileHost(() => GeneratedExport.Csv(Rows), "text/csv"));
        _jsonClient = Client(new ExportFileHost(() => GeneratedExport.Json(Rows), "application/json"));
        // Every reader must see every row, or the ratios compare different work.
        var rows = Rows;
        Rows = 2_500;
        int[] counts = [CsvHelperStrings().Result, CsvLines().Result, CsvDictionaries().Result, CsvTyped().Result, JsonWalk(), JsonSerializerRows(), JsonDictionaries().Result, JsonTyped().Result];
        Rows = rows;
        if (counts.Any(c => c != 2_500))
        {
            throw new InvalidOperationException("The readers disagree on the row count: " + string.Join(", ", counts));
        }
    }

    private static TeamUpClient Client(HttpMessageHandler host) =>
        new(new TeamUpClientOptions { BaseUrl = new Uri("http://127.0.0.1:9/api/v2/"), ApiKey = "bench" }, host);

    [GlobalCleanup]
    public void Cleanup()
    {
        _csvClient.Dispose();
        _jsonClient.Dispose();
    }

    [Benchmark(Baseline = true, Description = "CsvHelper, records as strings (floor)"), BenchmarkCategory("csv")]
    public async Task<int> CsvHelperStrings()
    {
        using var csv = CsvReader.Create(new StreamReader(GeneratedExport.Csv(Rows)), new CsvReaderOptions { HasHeader = true, FormatProvider = CultureInfo.InvariantCulture });
        var count = 0;
        while (await csv.ReadAsync())
        {
            for (var i = 0; i < csv.FieldCount; i++)
            {
                _ = csv.GetString(i);
            }
            count++;
        }
        return count;
    }

    [Benchmark(Description = "StreamReader.ReadLineAsync"), BenchmarkCategory("csv")]
    public async Task<int> CsvLines()
    {
        using var reader = new StreamReader(GeneratedExport.Csv(Rows));
        var count = 0;
        while (await reader.ReadLineAsync() is not null)
        {
            count++;
        }
        return count - 1;
    }

    [Benchmark(Description = "ReadRowsAsync() dictionaries"), BenchmarkCategory("csv")]
    public Task<int> CsvDictionaries() => Count(_csvClient.Jobs.GetExportJob(1, ReportFormat.Csv).ReadRowsAsync());

    [Benchmark(Description = "ReadRowsAsync<InvoicesReportRow>()"), BenchmarkCategory("csv")]
    public Task<int> CsvTyped() => Count(_csvClient.Jobs.GetExportJob(1, ReportFormat.Csv).ReadRowsAsync<InvoicesReportRow>());

    [Benchmark(Baseline = true, Description = "JsonTextReader walk (floor)"), BenchmarkCategory("json")]
    public int JsonWalk()
    {
        using var json = new JsonTextReader(new StreamReader(GeneratedExport.Json(Rows))) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal };
        var objects = 0;
        while (json.Read())
        {
            if (json.TokenType == JsonToken.StartObject && json.Depth == 1)
            {
                objects++;
            }
        }
        return objects;
    }

    // What typed reading costs in Newtonsoft itself: the serializer reading each row off the same reader, no SDK.
    [Benchmark(Description = "JsonSerializer per row (Newtonsoft typed floor)"), BenchmarkCategory("json")]
    public int JsonSerializerRows()
    {
        using var json = new JsonTextReader(new StreamReader(GeneratedExport.Json(Rows))) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal };
        var rows = 0;
        json.Read();
        while (json.Read() && json.TokenType == JsonToken.StartObject)
        {
            _ = Serializer.Deserialize<InvoicesReportRow>(json);
            rows++;
        }
        return rows;
    }

    [Benchmark(Description = "ReadRowsAsync() dictionaries"), BenchmarkCategory("json")]
    public Task<int> JsonDictionaries() => Count(_jsonClient.Jobs.GetExportJob(1, ReportFormat.Json).ReadRowsAsync());

    [Benchmark(Description = "ReadRowsAsync<InvoicesReportRow>()"), BenchmarkCategory("json")]
    public Task<int> JsonTyped() => Count(_jsonClient.Jobs.GetExportJob(1, ReportFormat.Json).ReadRowsAsync<InvoicesReportRow>());

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
