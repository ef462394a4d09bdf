using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TeamUp.Generated;

/// <summary>
/// The entry point: <see cref="Invoices"/>, <see cref="Reports"/> and <see cref="Jobs"/> over one HTTP pipeline
/// (credentials, retries, timeouts, telemetry). Register it with
/// <c>services.AddTeamUpClient(...)</c>, or create one with <c>new TeamUpClient(options)</c> and keep it for the
/// life of the application (it owns connections; dispose it at the end).
/// </summary>
public sealed class TeamUpClient : IDisposable
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client for the API (configure a proxy or handler on it).</summary>
    public const string ApiHttpClientName = "TeamUp.Api";

    /// <summary>The name of the <see cref="IHttpClientFactory"/> client that downloads export files (never carries credentials).</summary>
    public const string DownloadHttpClientName = "TeamUp.Download";

    private readonly IDisposable? _owned;
    private readonly HttpClient _api;
    private readonly HttpClient _download;

    /// <summary>Creates a client with its own HTTP pipeline, the same as the one <c>AddTeamUpClient</c> registers.</summary>
    /// <param name="options">The options (copied; validated).</param>
    /// <param name="loggerFactory">Where log events go; none when <see langword="null"/>.</param>
    public TeamUpClient(TeamUpClientOptions options, ILoggerFactory? loggerFactory = null)
        : this(TeamUpPipeline.BuildStandalone(options, null, loggerFactory))
    {
    }

    /// <summary>Creates a client that sends through <paramref name="transport"/> (a proxy-aware handler, or a test double).</summary>
    /// <param name="options">The options (copied; validated).</param>
    /// <param name="transport">The innermost handler; it must not follow redirects itself. The client does not dispose it.</param>
    /// <param name="loggerFactory">Where log events go; none when <see langword="null"/>.</param>
    public TeamUpClient(TeamUpClientOptions options, HttpMessageHandler transport, ILoggerFactory? loggerFactory = null)
        : this(TeamUpPipeline.BuildStandalone(options, transport ?? throw new ArgumentNullException(nameof(transport)), loggerFactory))
    {
    }

    private TeamUpClient(TeamUpPipeline.Standalone standalone)
        : this(standalone.Options, standalone.Factory, standalone.LoggerFactory, standalone.Provider)
    {
    }

    internal TeamUpClient(TeamUpClientOptions options, IHttpClientFactory factory, ILoggerFactory? loggerFactory, IDisposable? owned)
    {
        options.Validate();
        Options = options;
        _owned = owned;
        _api = factory.CreateClient(ApiHttpClientName);
        _download = factory.CreateClient(DownloadHttpClientName);
        var context = new TeamUpClientContext(options, _api, _download, loggerFactory ?? NullLoggerFactory.Instance);
        var baseUrl = options.BaseUrl.AbsoluteUri;
        Invoices = new InvoicesClient(_api) { BaseUrl = baseUrl, Context = context };
        Reports = new ReportsClient(_api) { BaseUrl = baseUrl, Context = context };
        Jobs = context.Jobs;
    }

    /// <summary>Invoices: <c>ListAsync</c>, <c>ListAllAsync</c> (every page), <c>RetrieveAsync</c>.</summary>
    public IInvoicesClient Invoices { get; }

    /// <summary>Reports: data pages, all rows (<c>Get…RowsAsync</c>) and exports (<c>Start…ExportAsync</c>).</summary>
    public IReportsClient Reports { get; }

    /// <summary>Jobs: <c>RetrieveAsync</c> and <c>GetExportJob</c> to resume waiting for an export.</summary>
    public IJobsClient Jobs { get; }

    /// <summary>The options the client runs with (a validated copy).</summary>
    public TeamUpClientOptions Options { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_owned is not null)
        {
            _api.Dispose();
            _download.Dispose();
            _owned.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"TeamUpClient {{ {Options} }}";
}
