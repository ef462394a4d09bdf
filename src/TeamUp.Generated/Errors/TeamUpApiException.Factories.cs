using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace TeamUp.Generated;

// The failures the client finds itself, each built one way, with its kind: no answer, a refused request, and an export
// file that arrived but cannot be used. Failures that come with an answer are built by FromResponse.
public partial class TeamUpApiException
{
    /// <summary>Whether <paramref name="exception"/> means no answer arrived (network, timeout, open circuit, a body cut short).</summary>
    internal static bool IsNoResponse(Exception exception) =>
        exception is HttpRequestException or Polly.ExecutionRejectedException or OperationCanceledException or IOException;

    /// <summary>No answer arrived: a timeout (<see cref="TeamUpFailureKind.Timeout"/>) or a network failure (<see cref="TeamUpFailureKind.Transport"/>).</summary>
    internal static TeamUpApiException NoResponse(string? operation, Exception exception, string? secret = null)
    {
        var (kind, what) = exception switch
        {
            TimeoutRejectedException timeout => (TeamUpFailureKind.Timeout,
                $"The request timed out after {timeout.Timeout.TotalSeconds:0.###} s (TeamUpClientOptions.AttemptTimeout / TotalTimeout)."),
            BrokenCircuitException => (TeamUpFailureKind.Transport, "The circuit breaker is open after repeated failures; calls are paused for a short while."),
            RateLimiterRejectedException => (TeamUpFailureKind.Transport, "The client's own concurrency limit was reached."),
            HttpRequestException http => (TeamUpFailureKind.Transport, $"The connection failed ({http.HttpRequestError}): {ServerText.Quote(http.Message, secret)}"),
            OperationCanceledException => (TeamUpFailureKind.Timeout, "The request was cancelled by a timeout."),
            _ => (TeamUpFailureKind.Transport, $"The connection failed: {ServerText.Quote(exception.Message, secret)}"),
        };
        return new TeamUpApiException(kind, $"{operation ?? "TeamUp request"} failed: no response. {what}", 0, operation, exception);
    }

    /// <summary>The client would not send or follow a request (<see cref="TeamUpFailureKind.Refused"/>).</summary>
    internal static TeamUpApiException Refused(string? operation, string why) =>
        new(TeamUpFailureKind.Refused, $"{operation ?? "TeamUp request"} refused: {why}", 0, operation);

    /// <summary>The export file's connection broke partway: the answer arrived, its status explains nothing, so 0.</summary>
    internal static TeamUpApiException ConnectionLost(IOException exception) =>
        new(TeamUpFailureKind.Transport,
            $"{ExportJob.DownloadOperation} failed: the connection was lost partway through the file: {ServerText.Quote(exception.Message, null)}",
            0, ExportJob.DownloadOperation, exception);

    /// <summary>The export file (answered 200) is not the file asked for, or cannot be read to its end.</summary>
    internal static TeamUpApiException UnreadableFile(string what, Exception? innerException = null) =>
        new(TeamUpFailureKind.Unreadable, $"{ExportJob.DownloadOperation} failed: {what}", 200, ExportJob.DownloadOperation, innerException);

    /// <summary>The export file (answered 200) is larger than the limit set for it.</summary>
    internal static TeamUpApiException FileTooLarge(long limit, long? declaredLength, string setting) =>
        new(TeamUpFailureKind.TooLarge,
            $"{ExportJob.DownloadOperation} failed: the file is larger than {TeamUpResponseTooLargeException.Size(limit)}" +
            (declaredLength is { } declared ? $" (it declared {TeamUpResponseTooLargeException.Size(declared)})" : "") +
            $" ({setting}); the download was stopped there.", 200, ExportJob.DownloadOperation);
}
