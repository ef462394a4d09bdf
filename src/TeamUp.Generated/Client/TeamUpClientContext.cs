using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TeamUp.Generated;

/// <summary>What the hand-written parts of the generated clients share: options, the download client, logging.</summary>
internal sealed class TeamUpClientContext(TeamUpClientOptions options, HttpClient api, HttpClient download, ILoggerFactory loggerFactory)
{
    // A generated client made directly over an HttpClient (new JobsClient(http)) has no download client of its own, and
    // its HttpClient may carry credentials or follow redirects, so it must not fetch result_url. Its export files go
    // through one process-wide client with the same transport as TeamUpClient's download pipeline (no credentials, no
    // automatic redirects, connections renewed every 5 minutes: a long-lived HttpClient as .NET recommends). Choosing the
    // download transport (a proxy, a handler) is supported on TeamUpClient only: its transport argument or DI's named client.
    private static readonly Lazy<HttpClient> SharedDownload = new(() =>
        new HttpClient(TeamUpPipeline.Transport()) { Timeout = Timeout.InfiniteTimeSpan });

    public TeamUpClientOptions Options { get; } = options;

    /// <summary>The API client: credentials, retries, telemetry.</summary>
    public HttpClient Api { get; } = api;

    /// <summary>The client for <c>result_url</c>: no credentials, redirects not followed automatically.</summary>
    public HttpClient Download { get; } = download;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("TeamUp.Generated.Client");

    private JobsClient? _jobs;

    /// <summary>The one jobs client of this pipeline: export handles poll through it, whichever client started them.</summary>
    public JobsClient Jobs => _jobs ??= new JobsClient(Api) { BaseUrl = Options.BaseUrl.AbsoluteUri, Context = this };

    /// <summary>For a generated client built directly on an <see cref="HttpClient"/>, outside <see cref="TeamUpClient"/>: default options, the shared download client.</summary>
    public static TeamUpClientContext ForHttpClient(HttpClient api, string baseUrl) =>
        new(new TeamUpClientOptions { BaseUrl = new Uri(baseUrl, UriKind.Absolute) }, api, SharedDownload.Value, NullLoggerFactory.Instance);

    /// <summary>The download client of contexts made by <see cref="ForHttpClient"/>.</summary>
    internal static HttpClient SharedDownloadClient => SharedDownload.Value;
}

public partial class InvoicesClient
{
    private TeamUpClientContext? _context;

    internal TeamUpClientContext Context
    {
        get => _context ??= TeamUpClientContext.ForHttpClient(_httpClient, BaseUrl);
        set => _context = value;
    }
}

public partial class ReportsClient
{
    private TeamUpClientContext? _context;

    internal TeamUpClientContext Context
    {
        get => _context ??= TeamUpClientContext.ForHttpClient(_httpClient, BaseUrl);
        set => _context = value;
    }
}

public partial class JobsClient
{
    private TeamUpClientContext? _context;

    internal TeamUpClientContext Context
    {
        get => _context ??= TeamUpClientContext.ForHttpClient(_httpClient, BaseUrl);
        set => _context = value;
    }
}
