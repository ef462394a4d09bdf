namespace TeamUp.Generated;

// Fetching result_url: credentials only on the API's own origin, redirects followed one by one and checked, stalls bounded.
public partial class ExportJob
{
    private const int MaxRedirects = 5;

    /// <summary>Writes the export file to <paramref name="destination"/> as it arrives (constant memory), waiting for the job first if needed.</summary>
    /// <param name="destination">Where the bytes go (not closed).</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    public Task DownloadToAsync(Stream destination, CancellationToken cancellationToken = default) =>
        DownloadToAsync(destination, options: null, cancellationToken);

    /// <summary>
    /// Writes the export file to <paramref name="destination"/> as it arrives (constant memory), waiting for the job first if
    /// needed. <paramref name="options"/> bound this call: the wait, the idle time of the download, the file's size.
    /// </summary>
    /// <param name="destination">Where the bytes go (not closed).</param>
    /// <param name="options">This call's limits; null or unset values take the client's.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    public virtual async Task DownloadToAsync(Stream destination, ExportWaitOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var limits = (options ?? NoOptions).Resolve(Context.Options);
        using var response = await OpenResultAsync(options, limits, cancellationToken).ConfigureAwait(false);
        var body = await OpenFileAsync(response, limits, cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            // Only reading the file can fail as a download; the destination's own errors (a full disk) stay as they are.
            await body.CopyToAsync(destination, 81920, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The body of a successful answer, checked to be the file that was asked for (type, first bytes, size).</summary>
    private Task<Stream> OpenFileAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        OpenFileAsync(response, NoOptions.Resolve(Context.Options), cancellationToken);

    private async Task<Stream> OpenFileAsync(HttpResponseMessage response, ExportWaitOptions.Resolved limits, CancellationToken cancellationToken) =>
        ExportFileCheck.Wrap(response, await ReadBodyAsync(response, limits, cancellationToken).ConfigureAwait(false), IsJson(response),
            limits.MaxDownloadSize, limits.SizeSetting, Context.Options.Secret);

    private async Task<Stream> ReadBodyAsync(HttpResponseMessage response, ExportWaitOptions.Resolved limits, CancellationToken cancellationToken) =>
        new ExportFileStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
            limits.DownloadIdleTimeout, limits.IdleSetting, Context.Options.TimeProvider);

    private Task<HttpResponseMessage> OpenResultAsync(CancellationToken cancellationToken) =>
        OpenResultAsync(null, NoOptions.Resolve(Context.Options), cancellationToken);

    private async Task<HttpResponseMessage> OpenResultAsync(ExportWaitOptions? options, ExportWaitOptions.Resolved limits, CancellationToken cancellationToken)
    {
        var job = LastStatus is { ResultUrl: not null } done ? done : await WaitForCompletionAsync(options, null, cancellationToken).ConfigureAwait(false);
        var context = Context;
        var api = context.Options.BaseUrl;
        var url = job.ResultUrl!.IsAbsoluteUri ? job.ResultUrl : new Uri(api, job.ResultUrl);
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            if (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && TeamUpClientOptions.IsLoopback(url)))
            {
                throw TeamUpApiException.Refused(DownloadOperation, $"the export file is at a {url.Scheme}:// address on '{url.Host}'; only https:// is followed.");
            }
            // Credentials go only on the first request, and only when the job's result_url is on the API's own origin.
            // A redirect is never followed with them, not even back to the API: the hop's target was chosen by whoever
            // answered the previous one (a file host redirecting to the API would otherwise receive the token, and the
            // authenticated answer would be saved as the file).
            var onApi = hop == 0 && TeamUpClientOptions.SameOrigin(url, api);
            var http = onApi ? context.Api : context.Download;
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Options.Set(TeamUpOperation.RequestOption, DownloadOperation);
            request.Options.Set(TeamUpOperation.StreamedOption, true);
            if (hop == 0)
            {
                Log.Downloading(context.Logger, Id, url.Host);
            }
            HttpResponseMessage response;
            var idleTimeout = limits.DownloadIdleTimeout;
            using (var idle = new CancellationTokenSource(idleTimeout, context.Options.TimeProvider))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token))
            {
                try
                {
                    response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not TeamUpApiException && TeamUpApiException.IsNoResponse(exception)
                    && !cancellationToken.IsCancellationRequested)
                {
                    throw idle.IsCancellationRequested ? new TeamUpDownloadStalledException(idleTimeout, limits.IdleSetting, exception) : TeamUpApiException.NoResponse(DownloadOperation, exception, context.Options.Secret);
                }
            }
            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                response.Dispose();
                url = location.IsAbsoluteUri ? location : new Uri(url, location);
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    var headers = ResponseHeaders.Of(response);
                    var body = await ReadExcerptAsync(await ReadBodyAsync(response, limits, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    throw TeamUpApiException.FromResponse<Error>(response, "Downloading the export file failed.", status, body, headers, null, null, context.Options.Secret);
                }
            }
            return response;
        }
        throw TeamUpApiException.Refused(DownloadOperation, $"more than {MaxRedirects} redirects.");
    }

    private static async Task<string> ReadExcerptAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new char[TeamUpApiException.MaxExcerptLength + 1];
        using var reader = new StreamReader(body);
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
        return new string(buffer, 0, read);
    }
}
