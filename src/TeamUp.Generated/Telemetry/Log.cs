using Microsoft.Extensions.Logging;

namespace TeamUp.Generated;

// Log events carry the operation, method, status, attempt and duration: never a URL (its query may hold
// customer ids or dates), a header or a body.
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "TeamUp {Operation} attempt {Attempt}: {Method} sending")]
    public static partial void Sending(ILogger logger, string operation, int attempt, string method);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "TeamUp {Operation} attempt {Attempt}: {Method} answered {StatusCode} in {DurationMs} ms")]
    public static partial void Answered(ILogger logger, string operation, int attempt, string method, int statusCode, long durationMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "TeamUp {Operation} attempt {Attempt}: {Method} failed without a response ({Failure}) after {DurationMs} ms")]
    public static partial void Failed(ILogger logger, string operation, int attempt, string method, string failure, long durationMs);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "TeamUp {Operation}: retrying ({Retry} of {MaxRetries}) after {DelayMs} ms because of {Reason}")]
    public static partial void Retrying(ILogger logger, string operation, int retry, int maxRetries, long delayMs, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "TeamUp export job {JobId}: {CompleteItems} of {TotalItems} items")]
    public static partial void JobProgress(ILogger logger, int jobId, int completeItems, int totalItems);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "TeamUp export job {JobId}: complete")]
    public static partial void JobComplete(ILogger logger, int jobId);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "TeamUp export job {JobId}: downloading from {Host}")]
    public static partial void Downloading(ILogger logger, int jobId, string host);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "TeamUp {Operation}: a {Type} arrived without its required '{Field}' (or with null); read anyway, the field holds its default")]
    public static partial void RequiredFieldMissing(ILogger logger, string operation, string type, string field);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "TeamUp {Operation} failed: {StatusCode} after {DurationMs} ms")]
    public static partial void OperationFailed(ILogger logger, string operation, int statusCode, long durationMs);
}
