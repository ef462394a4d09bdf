namespace TeamUp.Generated;

/// <summary>
/// An API answer was larger than <see cref="TeamUpClientOptions.MaxResponseSize"/> once decompressed. The client stopped
/// reading at the limit instead of holding the whole answer in memory, and did not retry: the same request would get
/// the same answer. Ask for less (a smaller page, fewer <c>fields</c> or <c>expand</c>s) or raise the limit.
/// </summary>
public sealed class TeamUpResponseTooLargeException : TeamUpApiException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operation">The operationId.</param>
    /// <param name="statusCode">The status of the answer that was too large.</param>
    /// <param name="limit">The limit in bytes it went over.</param>
    /// <param name="declaredLength">The <c>Content-Length</c> the server declared, if it did.</param>
    public TeamUpResponseTooLargeException(string? operation, int statusCode, long limit, long? declaredLength)
        : base(TeamUpFailureKind.TooLarge, $"{operation ?? "TeamUp request"} failed: the answer ({Describe(statusCode)}) is larger than {Size(limit)} after decompression " +
               $"{(declaredLength is { } declared ? $"(it declared {Size(declared)}) " : "")}(TeamUpClientOptions.MaxResponseSize); it was not read further and not retried.",
            statusCode, operation, null, null, null, null)
    {
        Limit = limit;
        DeclaredLength = declaredLength;
    }

    /// <summary>The limit in bytes the answer went over.</summary>
    public long Limit { get; }

    /// <summary>The <c>Content-Length</c> the server declared, if it did (a compressed size when the answer was compressed).</summary>
    public long? DeclaredLength { get; }

    internal static string Size(long bytes) =>
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB"
        : bytes >= 1 << 10 && bytes % (1 << 10) == 0 ? $"{bytes >> 10} KiB"
        : $"{bytes} bytes";
}
