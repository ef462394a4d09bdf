namespace TeamUp.Generated;

/// <summary>
/// TeamUp answered 429 Too Many Requests even after the client's own retries: the caller should slow down
/// and may try again after <see cref="RetryAfter"/>.
/// </summary>
public sealed class TeamUpRateLimitedException : TeamUpApiException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The full message.</param>
    /// <param name="operation">The operationId.</param>
    /// <param name="requestId">TeamUp's request id, if any.</param>
    /// <param name="responseExcerpt">The start of the body.</param>
    /// <param name="headers">The response headers.</param>
    /// <param name="retryAfter">How long TeamUp asked the client to wait, if it said.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public TeamUpRateLimitedException(string message, string? operation, string? requestId, string? responseExcerpt,
        IReadOnlyDictionary<string, IEnumerable<string>>? headers, TimeSpan? retryAfter, Exception? innerException)
        : base(TeamUpFailureKind.RateLimited, message, 429, operation, innerException, requestId, responseExcerpt, headers)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>How long TeamUp asked the client to wait (from <c>Retry-After</c>), if it said.</summary>
    public TimeSpan? RetryAfter { get; }
}
