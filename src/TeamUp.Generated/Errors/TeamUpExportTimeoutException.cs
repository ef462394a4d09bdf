namespace TeamUp.Generated;

/// <summary>
/// An export job did not finish within its timeout (<see cref="ExportWaitOptions.Timeout"/>, by default <see cref="TeamUpClientOptions.ExportTimeout"/>). Nothing failed on TeamUp's
/// side: the job goes on, so the caller can wait for it again later (<see cref="IJobsClient.GetExportJob"/> with
/// <see cref="JobId"/>) instead of starting a new export.
/// </summary>
public sealed class TeamUpExportTimeoutException : TeamUpApiException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="jobId">The export job that is still running.</param>
    /// <param name="waited">How long the client waited.</param>
    /// <param name="lastStatus">The job as last polled, if any poll answered.</param>
    public TeamUpExportTimeoutException(int jobId, TimeSpan waited, Job? lastStatus)
        : this(jobId, waited, lastStatus, "TeamUpClientOptions.ExportTimeout")
    {
    }

    // setting: what set the timeout (a per-call option or the client's), so that the message names what to raise.
    internal TeamUpExportTimeoutException(int jobId, TimeSpan waited, Job? lastStatus, string setting)
        : base(TeamUpFailureKind.Timeout,
            $"Jobs_Retrieve failed: export job {jobId} did not finish within {waited} ({setting}); " +
            $"{lastStatus?.CompleteItems ?? 0} of {lastStatus?.TotalItems ?? 0} items were done. The job goes on: wait for it again later.",
            0, "Jobs_Retrieve", null, null, null, null)
    {
        JobId = jobId;
        Waited = waited;
        LastStatus = lastStatus;
    }

    /// <summary>The export job that is still running.</summary>
    public int JobId { get; }

    /// <summary>How long the client waited.</summary>
    public TimeSpan Waited { get; }

    /// <summary>The job as last polled, if any poll answered.</summary>
    public Job? LastStatus { get; }
}
