using System.Net.Http;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace TeamUp.Generated;

/// <summary>Turns a failure without a response (network, timeout, open circuit) into a <see cref="TeamUpApiException"/> with status 0.</summary>
internal static class TeamUpTransportFailure
{
    public static bool IsTransportFailure(Exception exception) =>
        exception is HttpRequestException or Polly.ExecutionRejectedException or OperationCanceledException or IOException;

    public static TeamUpApiException Create(string? operation, Exception exception, string? secret = null)
    {
        var what = exception switch
        {
            TimeoutRejectedException timeout => $"The request timed out after {timeout.Timeout.TotalSeconds:0.###} s (TeamUpClientOptions.AttemptTimeout / TotalTimeout).",
            BrokenCircuitException => "The circuit breaker is open after repeated failures; calls are paused for a short while.",
            RateLimiterRejectedException => "The client's own concurrency limit was reached.",
            HttpRequestException http => $"The connection failed ({http.HttpRequestError}): {ServerText.Quote(http.Message, secret)}",
            OperationCanceledException => "The request was cancelled by a timeout.",
            _ => $"The connection failed: {ServerText.Quote(exception.Message, secret)}",
        };
        var message = $"{operation ?? "TeamUp request"} failed: no response. {what}";
        return new TeamUpApiException(message, 0, operation, null, null, null, exception);
    }

    public static TeamUpApiException Refused(string? operation, string why) =>
        new($"{operation ?? "TeamUp request"} refused: {why}", 0, operation, null, null, null, null);
}
