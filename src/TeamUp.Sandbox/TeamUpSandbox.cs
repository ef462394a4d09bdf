using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TeamUp.Sandbox;

/// <summary>
/// A TeamUp API v2 server on 127.0.0.1 with seeded, stateful data, export jobs, a second origin for export files and
/// configurable faults. <c>await using var sandbox = await TeamUpSandbox.StartAsync(options);</c>
/// </summary>
public sealed class TeamUpSandbox : IAsyncDisposable
{
    private readonly WebApplication _api;
    private readonly WebApplication _downloads;
    private readonly TeamUpSandboxOptions _options;
    private readonly FaultInjector _faults;
    private readonly SandboxRequestLog _log;
    private readonly JobStore _jobs;

    private TeamUpSandbox(TeamUpSandboxOptions options, SandboxDataset data, WebApplication api, WebApplication downloads,
        FaultInjector faults, SandboxRequestLog log, JobStore jobs, Uri apiOrigin, Uri downloadOrigin)
    {
        _options = options;
        Data = data;
        Activity = new SandboxActivity(data, options.TimeProvider);
        _api = api;
        _downloads = downloads;
        _faults = faults;
        _log = log;
        _jobs = jobs;
        BaseUrl = new Uri(apiOrigin, "/api/v2/");
        DownloadOrigin = downloadOrigin;
    }

    /// <summary>The API root with a trailing slash, e.g. <c>http://127.0.0.1:51234/api/v2/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The second origin that serves export files (<c>result_url</c> points here).</summary>
    public Uri DownloadOrigin { get; }

    /// <summary>API key for <c>Authorization: Token &lt;key&gt;</c>.</summary>
    public string Token => _options.Token;

    /// <summary>Access token for <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public string BearerToken => _options.BearerToken;

    /// <summary>Ids for <c>TeamUp-Provider-ID</c>; the first is used when the header is absent.</summary>
    public IReadOnlyList<int> ProviderIds => [.. Data.Providers.Select(p => p.Id)];

    public int DefaultProviderId => Data.Providers[0].Id;

    /// <summary>The data the server answers from, to compare answers with (seeded; changed only through <see cref="Activity"/>).</summary>
    public SandboxDataset Data { get; }

    /// <summary>Invoice activity: pay, void, change an amount, add an invoice, while the server runs.</summary>
    public SandboxActivity Activity { get; }

    public SandboxFaultCounters FaultCounters => _faults.Counters;

    /// <summary>The fault options in force.</summary>
    public SandboxFaultOptions Faults => _faults.Options;

    /// <summary>Requests seen by both origins, oldest first. Authorization values are never recorded.</summary>
    public IReadOnlyList<SandboxRequestLogEntry> RequestLog => _log.Snapshot();

    /// <summary>Export jobs created so far.</summary>
    public IReadOnlyList<SandboxJobInfo> Jobs => _jobs.Snapshot();

    /// <summary>Swaps the fault options (and restarts the fault RNG from their seed) while the server keeps running.</summary>
    public void SetFaults(SandboxFaultOptions faults) => _faults.Replace(faults);

    public void ClearRequestLog() => _log.Clear();

    public static async Task<TeamUpSandbox> StartAsync(TeamUpSandboxOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TeamUpSandboxOptions();
        options.Validate();
        var data = new DatasetGenerator(options).Build();
        var log = new SandboxRequestLog(options.RequestLogCapacity);
        var faults = new FaultInjector(options.Faults);
        var signer = new DownloadSigner();
        var jobs = new JobStore(options, signer);

        var downloads = CreateApp(options.DownloadPort);
        downloads.Use(new PipelineMiddleware("download", log, options.TimeProvider).InvokeAsync);
        downloads.Use((ctx, next) => faults.InvokeAsync(ctx, next, downloadOrigin: true));
        DownloadEndpoints.Map(downloads, jobs, signer, options);
        downloads.MapFallback(ctx => throw ApiError.NotFound("File"));

        var api = CreateApp(options.Port);
        api.Use(new PipelineMiddleware("api", log, options.TimeProvider).InvokeAsync);
        api.Use((ctx, next) => faults.InvokeAsync(ctx, next, downloadOrigin: false));
        api.UseWhen(ctx => ctx.Request.Path.StartsWithSegments("/api/v2"), branch => branch.Use(new AuthMiddleware(options, data).InvokeAsync));
        var v2 = api.MapGroup("/api/v2");
        InvoiceEndpoints.Map(v2, data);
        ReportEndpoints.Map(v2, data, jobs);
        api.MapFallback(ctx => throw ApiError.NotFound($"{ctx.Request.Method} {ctx.Request.Path}"));

        try
        {
            await downloads.StartAsync(cancellationToken);
            await api.StartAsync(cancellationToken);
        }
        catch
        {
            await api.DisposeAsync();
            await downloads.DisposeAsync();
            throw;
        }

        signer.Origin = AddressOf(downloads);
        return new TeamUpSandbox(options, data, api, downloads, faults, log, jobs, AddressOf(api), signer.Origin);
    }

    private static WebApplication CreateApp(int port)
    {
        // The empty builder reads no environment or appsettings: ASPNETCORE_URLS and friends cannot move the sandbox.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.AddServerHeader = false;
        });
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseRouting();
        return app;
    }

    private static Uri AddressOf(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _api.StopAsync(timeout.Token);
            await _downloads.StopAsync(timeout.Token);
        }
        finally
        {
            await _api.DisposeAsync();
            await _downloads.DisposeAsync();
        }
    }
}
