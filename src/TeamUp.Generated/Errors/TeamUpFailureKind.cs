namespace TeamUp.Generated;

/// <summary>
/// What kind of failure a <see cref="TeamUpApiException"/> reports, so that a caller can decide what to do (retry later,
/// raise a limit, fix the request) without reading the message or guessing from <see cref="TeamUpApiException.StatusCode"/>.
/// </summary>
/// <remarks>A plain enum: the kinds are the SDK's own (not TeamUp's words), and a <c>switch</c> over them is the point.</remarks>
public enum TeamUpFailureKind
{
    /// <summary>TeamUp (or a proxy in between) answered with a status the call does not accept: a 4xx other than 429, a 5xx, a redirect. <see cref="TeamUpApiException.StatusCode"/> says which.</summary>
    HttpStatus,

    /// <summary>No answer arrived (connection refused, DNS, TLS, reset, circuit breaker open), or the connection broke partway through an export file.</summary>
    Transport,

    /// <summary>A time limit ran out: one attempt or the whole call (<see cref="TeamUpClientOptions.AttemptTimeout"/>, <see cref="TeamUpClientOptions.TotalTimeout"/>), or the wait for an export job (<see cref="TeamUpExportTimeoutException"/>).</summary>
    Timeout,

    /// <summary>An export file download received nothing for its idle timeout (<see cref="TeamUpDownloadStalledException"/>).</summary>
    DownloadStalled,

    /// <summary>An answer or an export file arrived but is not what was asked for: malformed or cut-short JSON or CSV, an HTML page, the wrong content type.</summary>
    Unreadable,

    /// <summary>An answer larger than <see cref="TeamUpClientOptions.MaxResponseSize"/> (<see cref="TeamUpResponseTooLargeException"/>), or an export file larger than its size limit.</summary>
    TooLarge,

    /// <summary>TeamUp answered 429 Too Many Requests after the client's own retries (<see cref="TeamUpRateLimitedException"/>).</summary>
    RateLimited,

    /// <summary>The client refused to send or follow a request: an address off the API's origin, a redirect to a non-https address, too many redirects.</summary>
    Refused,
}
