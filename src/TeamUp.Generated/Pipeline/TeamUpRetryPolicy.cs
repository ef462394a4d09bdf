using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace TeamUp.Generated;

/// <summary>
/// How the standard resilience handler is set up for TeamUp. Retried: a safe method (GET, HEAD, OPTIONS) after
/// 408, 429, 5xx, a network failure or an attempt timeout; any other method (the export POSTs) only after 429
/// or a connection that failed before the request was sent, so that an export job is never created twice.
/// A <c>Retry-After</c> (seconds or HTTP date) sets the wait; one longer than the total timeout is not waited
/// for and the 429 reaches the caller as <see cref="TeamUpRateLimitedException"/>.
/// </summary>
public static class TeamUpRetryPolicy
{
    /// <summary>Whether an outcome of <paramref name="method"/> is retried (the rule the resilience handler applies).</summary>
    /// <param name="method">The request's method.</param>
    /// <param name="statusCode">The response status, or <see langword="null"/> when no response arrived.</param>
    /// <param name="exception">The failure when no response arrived.</param>
    public static bool IsRetried(HttpMethod method, HttpStatusCode? statusCode, Exception? exception = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        var safe = IsSafe(method);
        if (statusCode is { } status)
        {
            var code = (int)status;
            return safe ? code is 408 or 429 or >= 500 : code == 429;
        }
        return exception switch
        {
            HttpRequestException http when safe => true,
            HttpRequestException http => http.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError,
            TimeoutRejectedException => safe,
            _ => false,
        };
    }

    internal static bool IsSafe(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Trace;

    /// <summary>When the call started (set by the outermost handler, before the resilience pipeline), on the client's clock.</summary>
    internal static readonly HttpRequestOptionsKey<long> CallStartedOption = new("TeamUp.CallStarted");

    /// <summary>What is left of the call's <see cref="TeamUpClientOptions.TotalTimeout"/>.</summary>
    internal static TimeSpan Remaining(HttpRequestMessage? request, TeamUpClientOptions options) =>
        request is not null && request.Options.TryGetValue(CallStartedOption, out var started)
            ? options.TotalTimeout - options.TimeProvider.GetElapsedTime(started)
            : options.TotalTimeout;

    internal static void Configure(HttpStandardResilienceOptions resilience, TeamUpClientOptions options, ILogger logger)
    {
        resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
        resilience.TotalRequestTimeout.Timeout = options.TotalTimeout;
        var sampling = options.AttemptTimeout + options.AttemptTimeout;
        if (resilience.CircuitBreaker.SamplingDuration < sampling)
        {
            resilience.CircuitBreaker.SamplingDuration = sampling;
        }

        // The breaker is for a TeamUp that is down, not for one that is busy: it opens only when half the attempts
        // fail with 5xx, 408 or no response (the standard 10%, 429s included, opened it under ordinary transient
        // errors that the retries were absorbing). 429 never counts: Retry-After already paces those.
        resilience.CircuitBreaker.FailureRatio = 0.5;
        resilience.CircuitBreaker.ShouldHandle = args => new ValueTask<bool>(args.Outcome.Result is { } answered
            ? (int)answered.StatusCode is 408 or >= 500
            : args.Outcome.Exception is HttpRequestException or TimeoutRejectedException);

        var retry = resilience.Retry;
        retry.MaxRetryAttempts = Math.Max(1, options.MaxRetries);
        retry.BackoffType = DelayBackoffType.Exponential;
        retry.UseJitter = true;
        retry.Delay = options.RetryDelay;
        retry.MaxDelay = options.MaxRetryDelay;
        retry.ShouldRetryAfterHeader = false; // replaced by the generator below: the one Retry-After reader, on the client's clock
        retry.DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfterHeader.Read(args.Outcome.Result, options.TimeProvider));
        retry.ShouldHandle = args =>
        {
            if (options.MaxRetries == 0)
            {
                return new ValueTask<bool>(false);
            }
            var request = args.Context.GetRequestMessage() ?? args.Outcome.Result?.RequestMessage;
            var method = request?.Method ?? HttpMethod.Post; // unknown: be as careful as for a POST
            if (args.Outcome.Result is { } response)
            {
                // A wait the call's remaining budget cannot cover is not started: the 429 reaches the caller at once as
                // TeamUpRateLimitedException (with its Retry-After) instead of as a timeout after the budget ran out.
                if (RetryAfterHeader.Read(response, options.TimeProvider) is { } wait && wait >= Remaining(request, options))
                {
                    return new ValueTask<bool>(false);
                }
                return new ValueTask<bool>(IsRetried(method, response.StatusCode));
            }
            return new ValueTask<bool>(args.Outcome.Exception is { } exception && IsRetried(method, null, exception));
        };
        retry.OnRetry = args =>
        {
            var request = args.Context.GetRequestMessage();
            var reason = args.Outcome.Result is { } response
                ? TeamUpApiException.Describe((int)response.StatusCode)
                : args.Outcome.Exception?.GetType().Name ?? "unknown";
            Log.Retrying(logger, TeamUpOperation.Of(request) ?? "TeamUp", args.AttemptNumber + 1, options.MaxRetries,
                (long)args.RetryDelay.TotalMilliseconds, reason);
            return default;
        };
    }
}
