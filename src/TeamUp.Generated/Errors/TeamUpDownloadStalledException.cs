namespace TeamUp.Generated;

/// <summary>
/// An export file download received nothing for <see cref="IdleTimeout"/>: first the response, then between two reads
/// (<see cref="TeamUpFailureKind.DownloadStalled"/>). The job still has its file: download it again to a fresh destination.
/// </summary>
public sealed class TeamUpDownloadStalledException : TeamUpApiException
{
    // setting: what set the timeout (a per-call option or the client's), so that the message names what to raise.
    internal TeamUpDownloadStalledException(TimeSpan idleTimeout, string setting, Exception? innerException)
        : base(TeamUpFailureKind.DownloadStalled,
            $"{ExportJob.DownloadOperation} failed: no data arrived for {idleTimeout.TotalSeconds:0.###} s ({setting}); the connection looks stalled.",
            0, ExportJob.DownloadOperation, innerException)
    {
        IdleTimeout = idleTimeout;
    }

    /// <summary>How long the download went without receiving anything before it was given up.</summary>
    public TimeSpan IdleTimeout { get; }
}
