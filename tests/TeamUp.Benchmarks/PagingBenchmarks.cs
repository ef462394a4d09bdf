using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using TeamUp.Generated;

namespace TeamUp.Benchmarks;

/// <summary>
/// Reading every row of a 16-page report whose pages each take 50 ms to answer: the SDK with MaxConcurrency 1, 4 and
/// 8 against the sequential floor (the 16 pages fetched one after another by hand). The ideal is 1/N of the floor.
/// </summary>
public class PagingBenchmarks
{
    private const int Pages = 16;
    private const int PageSize = 100;
    private static readonly TimeSpan PageLatency = TimeSpan.FromMilliseconds(50);
    private SlowPages _host = null!;
    private HttpClient _http = null!;
    private TeamUpClient _client = null!;

    [Params(1, 4, 8)]
    public int MaxConcurrency { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _host = new SlowPages();
        _http = new HttpClient(_host, disposeHandler: false) { BaseAddress = new Uri("https://api.teamup.test/api/v2/") };
        _client = new TeamUpClient(new TeamUpClientOptions { BaseUrl = new Uri("https://api.teamup.test/api/v2/"), ApiKey = "bench" }, _host);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _http.Dispose();
    }

    [Benchmark(Baseline = true, Description = "16 pages one after another (floor)")]
    public async Task<int> Sequential()
    {
        var bytes = 0;
        for (var page = 1; page <= Pages; page++)
        {
            bytes += (await _http.GetByteArrayAsync($"reports/invoices?page={page}&page_size={PageSize}")).Length;
        }
        return bytes;
    }

    [Benchmark(Description = "GetInvoicesRowsAsync")]
    public async Task<int> Sdk()
    {
        var rows = 0;
        await foreach (var _ in _client.Reports.GetInvoicesRowsAsync(new InvoicesReportQuery { PageSize = PageSize, MaxConcurrency = MaxConcurrency }))
        {
            rows++;
        }
        return rows == Pages * PageSize ? rows : throw new InvalidOperationException($"{rows} rows");
    }

    private sealed class SlowPages : HttpMessageHandler
    {
        private static readonly byte[] Page = Encoding.UTF8.GetBytes(
            $$"""{"total":{{Pages * PageSize}},"rows":[{{string.Join(",", Enumerable.Range(1, PageSize).Select(i => $$"""{"id":{{i}},"status":"paid","due_date":"2025-01-31"}"""))}}]}""");

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(PageLatency, cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                RequestMessage = request,
                Content = new ByteArrayContent(Page) { Headers = { { "Content-Type", "application/json" } } },
            };
        }
    }
}
