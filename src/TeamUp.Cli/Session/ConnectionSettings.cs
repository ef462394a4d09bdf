namespace TeamUp.Cli.Api;

/// <summary>The global options after environment fallbacks, before anything connects.</summary>
internal sealed record ConnectionSettings(
    string? BaseUrl,
    string? Token,
    string AuthScheme,
    int? ProviderId,
    string? RequestMode)
{
    /// <summary>How long to wait for an export job (<c>reports export --timeout</c>); the client's default otherwise.</summary>
    public TimeSpan? ExportTimeout { get; init; }

    /// <summary>How long a download may receive nothing (<c>reports export --idle-timeout</c>); the client's default otherwise.</summary>
    public TimeSpan? DownloadIdleTimeout { get; init; }

    /// <summary>The largest export file accepted (<c>reports export --max-bytes</c>); no limit otherwise.</summary>
    public long? MaxDownloadSize { get; init; }

    /// <summary>How long one call may take, retries included (<c>--request-timeout</c>); the client's default otherwise.</summary>
    public TimeSpan? RequestTimeout { get; init; }
}
