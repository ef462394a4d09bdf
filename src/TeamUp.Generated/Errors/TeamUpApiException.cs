using System.Globalization;
using System.Net;
using System.Text;

namespace TeamUp.Generated;

/// <summary>
/// The one exception every failed TeamUp call surfaces as: it carries the HTTP status, the operation,
/// TeamUp's request id when the response had one, the parsed <see cref="Error"/> body when it was JSON,
/// and a bounded excerpt of the body. Credentials never appear in it.
/// </summary>
public partial class TeamUpApiException : Exception
{
    /// <summary>How much of a response body the exception keeps.</summary>
    public const int MaxExcerptLength = 1024;

    private static readonly string[] RequestIdHeaders = ["X-Request-Id", "Request-Id", "X-Amzn-RequestId", "CF-Ray"];

    /// <summary>Creates the exception (for a caller's tests); the client builds its own with named factories.</summary>
    /// <param name="message">The full message.</param>
    /// <param name="statusCode">The HTTP status, or 0 when no response arrived.</param>
    /// <param name="operation">The operationId, e.g. <c>Invoices_List</c>.</param>
    /// <param name="requestId">TeamUp's request id, if the response had one.</param>
    /// <param name="responseExcerpt">At most <see cref="MaxExcerptLength"/> characters of the body.</param>
    /// <param name="headers">The response headers.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    /// <remarks>
    /// Kept from before <see cref="Kind"/> existed: the kind is <see cref="TeamUpFailureKind.RateLimited"/> for 429,
    /// <see cref="TeamUpFailureKind.Transport"/> for 0 and <see cref="TeamUpFailureKind.HttpStatus"/> otherwise. Name the
    /// kind with <see cref="TeamUpApiException(TeamUpFailureKind, string, int, string?, Exception?)"/>.
    /// </remarks>
    public TeamUpApiException(string message, int statusCode, string? operation, string? requestId, string? responseExcerpt,
        IReadOnlyDictionary<string, IEnumerable<string>>? headers, Exception? innerException)
        : this(KindOfStatus(statusCode), message, statusCode, operation, innerException, requestId, responseExcerpt, headers)
    {
    }

    /// <summary>Creates the exception of a given kind (for a caller's tests, and for failures found after the answer arrived).</summary>
    /// <param name="kind">What kind of failure it is.</param>
    /// <param name="message">The full message.</param>
    /// <param name="statusCode">The HTTP status of the answer, or 0 when none arrived.</param>
    /// <param name="operation">The operationId, e.g. <c>Jobs_DownloadResult</c>.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public TeamUpApiException(TeamUpFailureKind kind, string message, int statusCode, string? operation, Exception? innerException = null)
        : this(kind, message, statusCode, operation, innerException, null, null, null)
    {
    }

    /// <summary>Creates the exception with everything an answer tells (for derived exceptions).</summary>
    /// <param name="kind">What kind of failure it is.</param>
    /// <param name="message">The full message.</param>
    /// <param name="statusCode">The HTTP status of the answer, or 0 when none arrived.</param>
    /// <param name="operation">The operationId.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    /// <param name="requestId">TeamUp's request id, if the response had one.</param>
    /// <param name="responseExcerpt">At most <see cref="MaxExcerptLength"/> characters of the body.</param>
    /// <param name="headers">The response headers.</param>
    protected TeamUpApiException(TeamUpFailureKind kind, string message, int statusCode, string? operation, Exception? innerException,
        string? requestId, string? responseExcerpt, IReadOnlyDictionary<string, IEnumerable<string>>? headers)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
        Operation = operation;
        RequestId = requestId;
        ResponseExcerpt = responseExcerpt;
        Headers = headers ?? new Dictionary<string, IEnumerable<string>>();
    }

    /// <summary>What kind of failure this is: an HTTP status, no answer, a timeout, a stalled download, an unreadable answer, one too large, rate limiting, a refused request.</summary>
    public TeamUpFailureKind Kind { get; }

    /// <summary>
    /// The HTTP status of the answer the failure is about, or 0 when none arrived. It is the status as received: an
    /// export file that could not be read came with 200. <see cref="Kind"/> says what kind of failure it is.
    /// </summary>
    public int StatusCode { get; }

    /// <summary>The operationId of the call that failed, e.g. <c>Reports_ExportInvoices</c>.</summary>
    public string? Operation { get; }

    /// <summary>TeamUp's request id from the response headers, for support tickets.</summary>
    public string? RequestId { get; }

    /// <summary>The start of the response body (at most <see cref="MaxExcerptLength"/> characters, credentials masked).</summary>
    public string? ResponseExcerpt { get; }

    /// <summary>The response headers.</summary>
    public IReadOnlyDictionary<string, IEnumerable<string>> Headers { get; }

    /// <summary>TeamUp's error body, when the response carried one in JSON.</summary>
    public Error? Error { get; init; }

    /// <summary>Builds the exception for a response the generated client could not accept.</summary>
    /// <param name="response">The response (its request carries the operation).</param>
    /// <param name="description">What the spec or the client says about this outcome.</param>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="body">The body text, when it was read.</param>
    /// <param name="headers">The response headers.</param>
    /// <param name="innerException">The underlying failure, e.g. a JSON error.</param>
    public static TeamUpApiException FromResponse(HttpResponseMessage response, string description, int statusCode, string? body,
        IReadOnlyDictionary<string, IEnumerable<string>> headers, Exception? innerException) =>
        FromResponse<Error>(response, description, statusCode, body, headers, null, innerException);

    /// <summary>Builds the exception for a response the generated client could not accept, with its parsed body.</summary>
    /// <typeparam name="TResult">The type the spec gives the body.</typeparam>
    /// <param name="response">The response (its request carries the operation).</param>
    /// <param name="description">What the spec or the client says about this outcome.</param>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="body">The body text, when it was read.</param>
    /// <param name="headers">The response headers.</param>
    /// <param name="result">The parsed body.</param>
    /// <param name="innerException">The underlying failure, e.g. a JSON error.</param>
    public static TeamUpApiException FromResponse<TResult>(HttpResponseMessage response, string description, int statusCode, string? body,
        IReadOnlyDictionary<string, IEnumerable<string>> headers, TResult? result, Exception? innerException)
    {
        ArgumentNullException.ThrowIfNull(response);
        return FromResponse(response, description, statusCode, body, headers, result, innerException, CredentialMask.SecretOf(response.RequestMessage));
    }

    internal static TeamUpApiException FromResponse<TResult>(HttpResponseMessage response, string description, int statusCode, string? body,
        IReadOnlyDictionary<string, IEnumerable<string>> headers, TResult? result, Exception? innerException, string? secret)
    {
        var operation = TeamUpOperation.Of(response.RequestMessage);
        // A request id is server text like any other: bounded, masked, and unable to carry escape sequences.
        var rawRequestId = FirstHeader(headers, RequestIdHeaders);
        var requestId = rawRequestId is null ? null : ServerText.Quote(rawRequestId, secret, 128);
        var excerpt = Excerpt(body, secret);
        var error = result as Error;
        var mediaType = response.Content?.Headers.ContentType?.MediaType;
        innerException = Sanitized(innerException, secret);
        var message = BuildMessage(operation, statusCode, description, requestId, error, ServerText.Quote(mediaType, null, 100), innerException, secret);
        if (statusCode == (int)HttpStatusCode.TooManyRequests)
        {
            return new TeamUpRateLimitedException(message, operation, requestId, excerpt, headers, RetryAfterHeader.Read(response), innerException) { Error = error };
        }
        // A success status reaches here only when its body could not be accepted (not JSON, cut short, null); an unexpected
        // status (a 204, a redirect) is a status like any other.
        var kind = statusCode is >= 200 and < 300 && !IsUnexpectedStatus(description) ? TeamUpFailureKind.Unreadable : KindOfStatus(statusCode);
        return new TeamUpApiException(kind, message, statusCode, operation, innerException, requestId, excerpt, headers) { Error = error };
    }

    /// <summary>Masks anything that looks like a credential and cuts the text to <see cref="MaxExcerptLength"/>.</summary>
    /// <param name="body">Text from a response.</param>
    public static string? Excerpt(string? body) => Excerpt(body, null);

    internal static string? Excerpt(string? body, string? secret)
    {
        if (string.IsNullOrEmpty(body))
        {
            return body;
        }
        // Masked before the cut (with a margin), so that a secret straddling the cut is not left half visible.
        var margin = Math.Min(body.Length, MaxExcerptLength + 512);
        var masked = CredentialMask.Apply(body[..margin], secret);
        return masked.Length > MaxExcerptLength || margin < body.Length ? masked[..Math.Min(masked.Length, MaxExcerptLength)] + "…" : masked;
    }

    private static TeamUpFailureKind KindOfStatus(int statusCode) => statusCode switch
    {
        0 => TeamUpFailureKind.Transport,
        (int)HttpStatusCode.TooManyRequests => TeamUpFailureKind.RateLimited,
        _ => TeamUpFailureKind.HttpStatus,
    };

    private static bool IsUnexpectedStatus(string description) => description.StartsWith("The HTTP status code", StringComparison.Ordinal);

    internal static string Describe(int statusCode) =>
        statusCode == 0
            ? "no response"
            : $"{statusCode.ToString(CultureInfo.InvariantCulture)} {ReasonPhrase(statusCode)}".TrimEnd();

    private static string ReasonPhrase(int statusCode) =>
        new HttpResponseMessage((HttpStatusCode)statusCode).ReasonPhrase ?? string.Empty;

    private static string BuildMessage(string? operation, int statusCode, string description, string? requestId, Error? error,
        string? mediaType, Exception? innerException, string? secret)
    {
        var text = new StringBuilder();
        text.Append(operation ?? "TeamUp request").Append(" failed: ").Append(Describe(statusCode));
        var notJson = !string.IsNullOrEmpty(mediaType) && !mediaType.Contains("json", StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrWhiteSpace(error?.Detail))
        {
            text.Append(". ").Append(ServerText.Quote(error.Detail, secret));
        }
        else if (notJson && (statusCode >= 400 || innerException is Newtonsoft.Json.JsonException))
        {
            // Typically an HTML page from a proxy, a load balancer or a captive portal, not TeamUp itself; also with status 200.
            text.Append(". The body was ").Append(mediaType).Append(", not JSON (an error page from a proxy or gateway?)");
        }
        else if (innerException is Newtonsoft.Json.JsonException json)
        {
            text.Append(". The body could not be read as JSON: ").Append(json.Message);
        }
        else if (!string.IsNullOrWhiteSpace(description) && !IsUnexpectedStatus(description))
        {
            text.Append(". ").Append(description);
        }
        if (requestId is not null)
        {
            text.Append(" (request id ").Append(requestId).Append(')');
        }
        // One full stop: a detail or parser message that ends in its own does not make the message end in "..".
        if (text[^1] != '.')
        {
            text.Append('.');
        }
        return text.ToString();
    }

    /// <summary>
    /// A JSON error quotes the value it could not read, so its message is server text too: the inner exception is replaced
    /// by one of the same kind whose message is bounded, masked and escaped (it would otherwise show up in logs via ToString).
    /// </summary>
    private static Exception? Sanitized(Exception? innerException, string? secret) => innerException switch
    {
        Newtonsoft.Json.JsonReaderException reader => new Newtonsoft.Json.JsonReaderException(
            ServerText.Quote(FriendlyTypeNames(reader.Message), secret), ServerText.Quote(reader.Path, secret, 200), reader.LineNumber, reader.LinePosition, null),
        Newtonsoft.Json.JsonSerializationException serialization => new Newtonsoft.Json.JsonSerializationException(
            ServerText.Quote(FriendlyTypeNames(serialization.Message), secret), ServerText.Quote(serialization.Path, secret, 200), serialization.LineNumber, serialization.LinePosition, null),
        Newtonsoft.Json.JsonException json => new Newtonsoft.Json.JsonException(ServerText.Quote(FriendlyTypeNames(json.Message), secret)),
        _ => innerException,
    };

    /// <summary>Newtonsoft names .NET types (<c>System.Nullable`1[System.Int32]</c>); a reader of the message knows JSON types.</summary>
    internal static string FriendlyTypeNames(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message, @"System\.Nullable`1\[([\w.]+)\]|(?<![\w.])(?:System|TeamUp\.Generated)\.[\w.`\[\]]+", match =>
        {
            var name = match.Groups[1].Success ? match.Groups[1].Value : match.Value;
            return name switch
            {
                "System.Int32" or "System.Int64" or "System.Int16" or "System.Byte" => "integer",
                "System.Decimal" or "System.Double" or "System.Single" => "number",
                "System.String" => "string",
                "System.Boolean" => "boolean",
                "System.DateTimeOffset" or "System.DateTime" => "date-time",
                "System.DateOnly" => "date",
                "System.TimeOnly" => "time",
                "System.Uri" => "URL",
                _ when name.StartsWith("TeamUp.Generated.", StringComparison.Ordinal) => name["TeamUp.Generated.".Length..],
                _ when name.StartsWith("System.Collections.Generic.", StringComparison.Ordinal) => "array",
                _ => name,
            };
        });

    private static string? FirstHeader(IReadOnlyDictionary<string, IEnumerable<string>> headers, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            foreach (var pair in headers)
            {
                if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return pair.Value.FirstOrDefault();
                }
            }
        }
        return null;
    }
}
