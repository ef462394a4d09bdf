namespace TeamUp.Cli.Api;

/// <summary>The global options after environment fallbacks, before anything connects.</summary>
internal sealed record ConnectionSettings(
    string? BaseUrl,
    string? Token,
    string AuthScheme,
    int? ProviderId,
    string? RequestMode)
{
    /// <summary>How long one call may take, retries included (<c>--request-timeout</c>); the client's default otherwise.</summary>
    public TimeSpan? RequestTimeout { get; init; }
}
