using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace TeamUp.Generated;

/// <summary>
/// The innermost handler of the API client, run once per attempt: refuses any request that is not for the
/// API's own origin (so credentials never leave it), adds the credentials, provider and mode headers and the
/// User-Agent, and logs and counts the attempt.
/// </summary>
internal sealed class TeamUpRequestHandler : DelegatingHandler
{
    internal static readonly HttpRequestOptionsKey<int> AttemptOption = new("TeamUp.Attempt");

    private readonly TeamUpClientOptions _options;
    private readonly ILogger _logger;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly string _userAgent;

    public TeamUpRequestHandler(TeamUpClientOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _authorization = !string.IsNullOrWhiteSpace(options.ApiKey)
            ? new AuthenticationHeaderValue("Token", options.ApiKey)
            : new AuthenticationHeaderValue("Bearer", options.AccessToken);
        _userAgent = UserAgent(options.ApplicationId);
    }

    internal static string UserAgent(string? applicationId) =>
        string.IsNullOrWhiteSpace(applicationId) ? $"TeamUp.Generated/{TeamUpTelemetry.Version}" : $"TeamUp.Generated/{TeamUpTelemetry.Version} {applicationId.Trim()}";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = TeamUpOperation.Of(request) ?? "TeamUp";
        if (request.RequestUri is not { IsAbsoluteUri: true } uri || !TeamUpClientOptions.SameOrigin(uri, _options.BaseUrl))
        {
            throw TeamUpApiException.Refused(operation,
                $"the request is for '{request.RequestUri?.GetLeftPart(UriPartial.Authority)}', not for the TeamUp API at '{_options.BaseUrl.GetLeftPart(UriPartial.Authority)}'; credentials are only sent to the API's own origin.");
        }
        request.Headers.Authorization = _authorization;
        request.Headers.Remove("TeamUp-Provider-ID");
        request.Headers.Remove("Teamup-Request-Mode");
        if (_options.ProviderId is { } provider)
        {
            request.Headers.TryAddWithoutValidation("TeamUp-Provider-ID", provider);
        }
        if (_options.RequestMode is { } mode)
        {
            request.Headers.TryAddWithoutValidation("Teamup-Request-Mode", mode.ToString());
        }
        request.Headers.Remove("User-Agent"); // not UserAgent.Clear(): that builds a typed collection per attempt
        request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);

        var attempt = request.Options.TryGetValue(AttemptOption, out var previous) ? previous + 1 : 1;
        request.Options.Set(AttemptOption, attempt);
        var method = request.Method.Method;
        var host = uri.Host;
        if (attempt > 1)
        {
            TeamUpTelemetry.Retries.Add(1, new("teamup.operation", operation), new("http.request.method", method), new("server.address", host));
        }
        Log.Sending(_logger, operation, attempt, method);
        var started = _options.TimeProvider.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!TeamUpOperation.IsStreamed(request))
            {
                // API answers (a page, a report page, a job) are read whole within the attempt, so that a body cut
                // short fails this attempt and is retried like a dropped connection. Export files stay streamed.
                // The read stops at MaxResponseSize (counted after decompression): a small gzip answer that inflates
                // to gigabytes, or an endless one, fails here instead of taking the process's memory.
                try
                {
                    await BoundedContent.ReadAsync(response, operation, _options.MaxResponseSize, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }
            }
            var status = (int)response.StatusCode;
            if (TeamUpTelemetry.Requests.Enabled) // nobody listening: no tags built, no status boxed
            {
                TeamUpTelemetry.Requests.Add(1, new("teamup.operation", operation), new("http.request.method", method),
                    new("http.response.status_code", status), new("server.address", host));
            }
            Log.Answered(_logger, operation, attempt, method, status, (long)_options.TimeProvider.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            TeamUpTelemetry.Requests.Add(1, new("teamup.operation", operation), new("http.request.method", method),
                new("http.response.status_code", 0), new("server.address", host));
            var failure = exception is HttpRequestException http ? $"{exception.GetType().Name} {http.HttpRequestError}" : exception.GetType().Name;
            Log.Failed(_logger, operation, attempt, method, failure, (long)_options.TimeProvider.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }
}
