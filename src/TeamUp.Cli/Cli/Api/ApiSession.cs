using System.Net;
using System.Net.Http.Headers;
using TeamUp.Generated;
using TeamUp.Sandbox;

namespace TeamUp.Cli.Api;

/// <summary>
/// The one place that turns the global options into API clients: starts the embedded sandbox when no base URL was
/// given, sets the auth, provider and request-mode headers on the API HttpClient, and keeps a second HttpClient
/// without credentials for export files (their host is another origin and rejects an Authorization header).
/// </summary>
internal sealed class ApiSession : IAsyncDisposable
{
    private readonly HttpClient _api;
    private readonly HttpClient _download;
    private readonly TeamUpSandbox? _sandbox;

    private ApiSession(Uri baseUrl, HttpClient api, HttpClient download, TeamUpSandbox? sandbox)
    {
        BaseUrl = baseUrl;
        _api = api;
        _download = download;
        _sandbox = sandbox;
        Invoices = new InvoicesClient(api) { BaseUrl = baseUrl.ToString() };
        Reports = new ReportsClient(api) { BaseUrl = baseUrl.ToString() };
        Jobs = new JobsClient(api) { BaseUrl = baseUrl.ToString() };
    }

    public Uri BaseUrl { get; }
    public InvoicesClient Invoices { get; }
    public ReportsClient Reports { get; }
    public JobsClient Jobs { get; }

    /// <summary>How long to wait between job polls.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public static async Task<ApiSession> OpenAsync(ConnectionSettings settings, CliContext cli, CancellationToken cancellationToken)
    {
        var bearer = settings.AuthScheme.Equals("bearer", StringComparison.OrdinalIgnoreCase);
        TeamUpSandbox? sandbox = null;
        Uri baseUrl;
        string token;
        if (string.IsNullOrWhiteSpace(settings.BaseUrl))
        {
            sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions(), cancellationToken);
            baseUrl = sandbox.BaseUrl;
            token = bearer ? sandbox.BearerToken : sandbox.Token;
            cli.Log($"no --base-url or TEAMUP_BASE_URL given: started the embedded sandbox at {baseUrl} (seeded demo data, no account needed)");
            if (!string.IsNullOrEmpty(settings.Token))
            {
                cli.Log("the given token is not used with the embedded sandbox; it has its own");
            }
        }
        else
        {
            if (!Uri.TryCreate(settings.BaseUrl, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
            {
                throw new UsageException($"--base-url '{settings.BaseUrl}' is not an absolute http(s) URL.");
            }
            if (string.IsNullOrWhiteSpace(settings.Token))
            {
                throw new UsageException("--token (or TEAMUP_TOKEN) is required with --base-url.");
            }
            baseUrl = parsed.AbsoluteUri.EndsWith('/') ? parsed : new Uri(parsed.AbsoluteUri + "/");
            token = settings.Token;
        }

        var api = new HttpClient(new TransportFailureHandler { InnerHandler = new SocketsHttpHandler() }) { Timeout = TimeSpan.FromSeconds(100) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(bearer ? "Bearer" : "Token", token);
        api.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("teamup-cli", typeof(ApiSession).Assembly.GetName().Version?.ToString(3) ?? "0"));
        if (settings.ProviderId is { } provider)
        {
            api.DefaultRequestHeaders.Add("TeamUp-Provider-ID", provider.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (!string.IsNullOrEmpty(settings.RequestMode))
        {
            api.DefaultRequestHeaders.Add("Teamup-Request-Mode", settings.RequestMode);
        }
        var download = new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        return new ApiSession(baseUrl, api, download, sandbox);
    }

    /// <summary>GETs a report page as text (CSV): the generated client only reads JSON.</summary>
    public async Task<(string Body, int? Total)> GetTextAsync(string operation, string relativePath, IEnumerable<KeyValuePair<string, string>> query, CancellationToken cancellationToken)
    {
        var url = new Uri(BaseUrl, relativePath + "?" + string.Join('&', query.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value))));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Options.Set(TeamUpOperation.RequestOption, operation);
        using var response = await _api.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(operation, response.StatusCode, TeamUpApiException.Excerpt(body));
        }
        int? total = response.Headers.TryGetValues("X-Total-Count", out var values) && int.TryParse(values.FirstOrDefault(), out var t) ? t : null;
        return (body, total);
    }

    /// <summary>Downloads an export file without credentials; returns the number of bytes written.</summary>
    public async Task<long> DownloadAsync(Uri resultUrl, Stream destination, CancellationToken cancellationToken)
    {
        const string operation = "Jobs_DownloadResult";
        HttpResponseMessage response;
        try
        {
            response = await _download.GetAsync(resultUrl, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new TeamUpApiException($"{operation} failed: no response. {e.Message}", 0, operation, null, null, null, e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                throw Failure(operation, response.StatusCode, TeamUpApiException.Excerpt(body));
            }
            await using var source = await response.Content.ReadAsStreamAsync(cancellationToken);
            var counting = new CountingCopy();
            try
            {
                return await counting.CopyAsync(source, destination, cancellationToken);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new TeamUpApiException($"{operation} failed: the download broke off after {counting.Bytes} bytes. {e.Message}", 0, operation, null, null, null, e);
            }
        }
    }

    private static TeamUpApiException Failure(string operation, HttpStatusCode status, string? excerpt) =>
        new($"{operation} failed: {(int)status} {ReasonPhrase((int)status)}{(string.IsNullOrWhiteSpace(excerpt) ? "" : ". " + excerpt.Trim())}",
            (int)status, operation, null, excerpt, null, null);

    public static string ReasonPhrase(int status) =>
        status == 0 ? "no response" : new HttpResponseMessage((HttpStatusCode)status).ReasonPhrase ?? "";

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        _download.Dispose();
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
    }

    private sealed class CountingCopy
    {
        public long Bytes { get; private set; }

        public async Task<long> CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                Bytes += read;
            }
            return Bytes;
        }
    }

    /// <summary>Turns connection failures into <see cref="TeamUpApiException"/> naming the operation (status 0).</summary>
    private sealed class TransportFailureHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                var operation = TeamUpOperation.Of(request) ?? $"{request.Method} {request.RequestUri?.AbsolutePath}";
                throw new TeamUpApiException($"{operation} failed: no response. {e.Message}", 0, operation, null, null, null, e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                var operation = TeamUpOperation.Of(request) ?? $"{request.Method} {request.RequestUri?.AbsolutePath}";
                throw new TeamUpApiException($"{operation} failed: no response (timed out).", 0, operation, null, null, null, e);
            }
        }
    }
}
