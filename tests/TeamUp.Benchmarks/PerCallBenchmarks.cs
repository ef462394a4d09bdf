using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using TeamUp.Generated;
using TeamUp.Generated.Serialization;

namespace TeamUp.Benchmarks;

/// <summary>
/// The fixed cost of one call: <c>Invoices.RetrieveAsync</c> through the whole pipeline (credentials, retries,
/// timeouts, telemetry, limits) against a hand-written <see cref="HttpClient"/> call reading the same bytes into the
/// same model, as a string and as a stream, all through the same in-memory handler. Target: at most 1.5 µs and 2 KB
/// over the hand-written baseline.
/// </summary>
[MemoryDiagnoser]
public class PerCallBenchmarks
{
    private static readonly JsonSerializerSettings Settings = TeamUpJson.CreateSettings();
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(Settings);
    private InvoiceHost _host = null!;
    private HttpClient _http = null!;
    private TeamUpClient _client = null!;
    private InvoicesClient _bare = null!;
    private HttpClient _resilient = null!;
    private ServiceProvider _services = null!;

    public static byte[] Invoice { get; } = Encoding.UTF8.GetBytes(
        JObject.Parse(SamplePayloads.InvoicePage(1, false))["results"]![0]!.ToString(Formatting.None));

    [GlobalSetup]
    public void Setup()
    {
        _host = new InvoiceHost(Invoice);
        _http = new HttpClient(_host, disposeHandler: false) { BaseAddress = new Uri("https://api.teamup.test/api/v2/") };
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Token", "bench");
        _client = new TeamUpClient(new TeamUpClientOptions { BaseUrl = new Uri("https://api.teamup.test/api/v2/"), ApiKey = "bench" }, _host);
        _bare = new InvoicesClient(_http) { BaseUrl = "https://api.teamup.test/api/v2/" };
        var services = new ServiceCollection();
        services.AddHttpClient("resilient", http => http.BaseAddress = new Uri("https://api.teamup.test/api/v2/"))
            .ConfigurePrimaryHttpMessageHandler(() => new NonDisposing(_host)).RemoveAllLoggers().AddStandardResilienceHandler();
        _services = services.BuildServiceProvider();
        _resilient = _services.GetRequiredService<IHttpClientFactory>().CreateClient("resilient");
        if (Sdk().Result.Id != 0 || StringBaseline().Result.Id != 0 || StreamBaseline().Result.Id != 0)
        {
            throw new InvalidOperationException("The three calls read different invoices.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _http.Dispose();
        _services.Dispose();
    }

    /// <summary>
    /// Bytes allocated per call by each benchmark, averaged over many calls after a warm-up: the same figure as the
    /// MemoryDiagnoser column, without BenchmarkDotNet's minutes of timing (every call completes synchronously in memory).
    /// </summary>
    public static void PrintAllocations()
    {
        var bench = new PerCallBenchmarks();
        bench.Setup();
        try
        {
            var calls = new (string Name, Func<Task<Invoice>> Call)[]
            {
                ("HttpClient + string + JsonConvert (baseline)", bench.StringBaseline),
                ("HttpClient + stream + JsonSerializer", bench.StreamBaseline),
                ("TeamUpClient.Invoices.RetrieveAsync", bench.Sdk),
                ("generated InvoicesClient over a bare HttpClient", bench.GeneratedOnly),
                ("HttpClient + standard resilience handler + string", bench.ResilienceOnly),
            };
            double? baseline = null;
            foreach (var (name, call) in calls)
            {
                for (var i = 0; i < 2_000; i++)
                {
                    call().GetAwaiter().GetResult();
                }
                const int Measured = 20_000;
                var before = GC.GetTotalAllocatedBytes(precise: true);
                for (var i = 0; i < Measured; i++)
                {
                    call().GetAwaiter().GetResult();
                }
                var perCall = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Measured;
                baseline ??= perCall;
                Console.WriteLine($"{name,-52} {perCall,8:F0} B  {perCall / 1024,6:F2} KB  {(perCall - baseline.Value) / 1024,+6:F2} KB over the baseline");
            }
        }
        finally
        {
            bench.Cleanup();
        }
    }

    private sealed class NonDisposing(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override void Dispose(bool disposing)
        {
        }
    }

    [Benchmark(Baseline = true, Description = "HttpClient + string + JsonConvert")]
    public async Task<Invoice> StringBaseline()
    {
        using var response = await _http.GetAsync("invoices/7");
        response.EnsureSuccessStatusCode();
        return JsonConvert.DeserializeObject<Invoice>(await response.Content.ReadAsStringAsync(), Settings)!;
    }

    [Benchmark(Description = "HttpClient + stream + JsonSerializer")]
    public async Task<Invoice> StreamBaseline()
    {
        using var response = await _http.GetAsync("invoices/7", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var json = new JsonTextReader(new StreamReader(await response.Content.ReadAsStreamAsync()));
        return Serializer.Deserialize<Invoice>(json)!;
    }

    [Benchmark(Description = "TeamUpClient.Invoices.RetrieveAsync")]
    public Task<Invoice> Sdk() => _client.Invoices.RetrieveAsync(7);

    // Where the difference goes: the generated client over a bare HttpClient (no handlers), and the baseline call
    // through the standard resilience handler alone.
    [Benchmark(Description = "generated InvoicesClient over a bare HttpClient")]
    public Task<Invoice> GeneratedOnly() => _bare.RetrieveAsync(7);

    [Benchmark(Description = "HttpClient + standard resilience handler + string")]
    public async Task<Invoice> ResilienceOnly()
    {
        using var response = await _resilient.GetAsync("invoices/7");
        response.EnsureSuccessStatusCode();
        return JsonConvert.DeserializeObject<Invoice>(await response.Content.ReadAsStringAsync(), Settings)!;
    }

    private sealed class InvoiceHost(byte[] invoice) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                RequestMessage = request,
                Content = new ByteArrayContent(invoice) { Headers = { { "Content-Type", "application/json" } } },
            });
    }
}
