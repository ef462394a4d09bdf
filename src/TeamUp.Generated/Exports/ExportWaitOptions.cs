namespace TeamUp.Generated;

/// <summary>
/// How patient one wait for an export job, and one download of its file, is. Each value left null falls back to the
/// client's option of the same name (<see cref="TeamUpClientOptions.ExportTimeout"/>,
/// <see cref="TeamUpClientOptions.DownloadIdleTimeout"/>, <see cref="TeamUpClientOptions.MaxDownloadSize"/>), so one
/// command of a tool can be more patient than the rest without a second client.
/// </summary>
public sealed record ExportWaitOptions
{
    /// <summary>How long to wait for the job to finish before a <see cref="TeamUpExportTimeoutException"/> (at most 7 days).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How long a download may receive nothing before a <see cref="TeamUpDownloadStalledException"/> (at most 1 day, or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>).</summary>
    public TimeSpan? DownloadIdleTimeout { get; init; }

    /// <summary>The largest export file accepted, in bytes as received.</summary>
    public long? MaxDownloadSize { get; init; }

    /// <summary>The options after the client's defaults are applied, checked like the client's own.</summary>
    internal Resolved Resolve(TeamUpClientOptions client)
    {
        if (Timeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromDays(7)))
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), timeout, "ExportWaitOptions.Timeout must be positive and at most 7 days.");
        }
        if (DownloadIdleTimeout is { } idle && (idle <= TimeSpan.Zero || idle > TimeSpan.FromDays(1)) && idle != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(DownloadIdleTimeout), idle, "ExportWaitOptions.DownloadIdleTimeout must be positive and at most 1 day (or Timeout.InfiniteTimeSpan).");
        }
        if (MaxDownloadSize is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDownloadSize), MaxDownloadSize, "ExportWaitOptions.MaxDownloadSize must be positive.");
        }
        return new Resolved(
            Timeout ?? client.ExportTimeout,
            Timeout is null ? "TeamUpClientOptions.ExportTimeout" : "ExportWaitOptions.Timeout",
            DownloadIdleTimeout ?? client.DownloadIdleTimeout,
            DownloadIdleTimeout is null ? "TeamUpClientOptions.DownloadIdleTimeout" : "ExportWaitOptions.DownloadIdleTimeout",
            MaxDownloadSize ?? client.MaxDownloadSize,
            MaxDownloadSize is null ? "TeamUpClientOptions.MaxDownloadSize" : "ExportWaitOptions.MaxDownloadSize");
    }

    /// <summary>The values in force, each with the name of the setting it came from (a message names what to change).</summary>
    internal sealed record Resolved(TimeSpan Timeout, string TimeoutSetting, TimeSpan DownloadIdleTimeout, string IdleSetting,
        long? MaxDownloadSize, string SizeSetting);
}
