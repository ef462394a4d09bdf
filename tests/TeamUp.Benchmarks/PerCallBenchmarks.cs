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
    private TeamUpClient _strict = null!;
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
        _strict = new TeamUpClient(new TeamUpClientOptions { BaseUrl = new Uri("https://api.teamup.test/api/v2/"), ApiKey = "bench", StrictResponses = true }, _host);
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
        _strict.Dispose();
        _http.Dispose();
        _services.Dispose();
    }

    /// <summary>
    /// Bytes allocated per call by each benchmark, averaged over many calls after a warm-up: the same figure as the
    /// MemoryDiagnoser column, without BenchmarkDotNet's minutes of timing (every call completes synchronously in memory).
    /// Also the process CPU time per call, best of several interleaved rounds: on a machine shared with other work this
    /// moves far less than wall-clock time, though it still counts cache misses caused by the neighbours. A hint for
    /// where time goes, not a replacement for the BenchmarkDotNet ratios.
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
                ("the same, StrictResponses (no tolerant reading)", () => bench._strict.Invoices.RetrieveAsync(7)),
                ("generated InvoicesClient over a bare HttpClient", bench.GeneratedOnly),
                ("HttpClient + standard resilience handler + string", bench.ResilienceOnly),
            };
            const int Measured = 20_000;
            var bytes = new double[calls.Length];
            var cpu = Enumerable.Repeat(double.MaxValue, calls.Length).ToArray();
            for (var round = 0; round < 7; round++)
            {
                for (var c = 0; c < calls.Length; c++)
                {
                    var call = calls[c].Call;
                    for (var i = 0; i < 2_000; i++)
                    {
                        call().GetAwaiter().GetResult();
                    }
                    var before = GC.GetTotalAllocatedBytes(precise: true);
                    var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
                    for (var i = 0; i < Measured; i++)
                    {
                        call().GetAwaiter().GetResult();
                    }
                    var cpuAfter = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
                    bytes[c] = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Measured;
                    cpu[c] = Math.Min(cpu[c], (cpuAfter - cpuBefore).TotalMicroseconds / Measured);
                }
            }
            Console.WriteLine($"{"per call",-52} {"allocated",17} {"over baseline",12} {"CPU (best of 7)",16} {"over baseline",14}");
            for (var c = 0; c < calls.Length; c++)
            {
                Console.WriteLine($"{calls[c].Name,-52} {bytes[c],8:F0} B {bytes[c] / 1024,6:F2} KB {(bytes[c] - bytes[0]) / 1024,+9:F2} KB {cpu[c],11:F2} us {cpu[c] - cpu[0],+11:F2} us");
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
