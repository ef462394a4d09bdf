namespace TeamUp.Generated;

/// <summary>
/// A report export running on TeamUp: wait for it (<see cref="WaitForCompletionAsync"/>), then download the file
/// (<see cref="DownloadToAsync"/>) or read its rows (<see cref="ReadRowsAsync{T}"/>). The file is fetched from
/// <c>result_url</c> without TeamUp's credentials unless that URL is on the API's own origin; redirects are followed
/// one by one and checked. Resume a job from its id with <see cref="IJobsClient.GetExportJob"/>.
/// </summary>
public sealed partial class ExportJob
{
    /// <summary>The operation name that downloads and errors of the result file carry.</summary>
    public const string DownloadOperation = "Jobs_DownloadResult";

    private readonly IJobsClient _jobs;
    private readonly TeamUpClientContext _context;
    private readonly DateTimeOffset? _startedAt;

    // startedAt: when the export was asked for, if this client did (measured before the POST was sent).
    internal ExportJob(int id, ReportFormat? format, IJobsClient jobs, TeamUpClientContext context, DateTimeOffset? startedAt = null)
    {
        Id = id;
        Format = format;
        _jobs = jobs;
        _context = context;
        _startedAt = startedAt;
    }

    /// <summary>The job id (<c>GET /jobs/{id}</c>).</summary>
    public int Id { get; }

    /// <summary>The format asked for (TeamUp's default, CSV, when null); the file's content type decides when it says.</summary>
    public ReportFormat? Format { get; }

    /// <summary>The job as last polled, or null before the first poll.</summary>
    public Job? LastStatus { get; private set; }

    /// <summary>Whether the last poll saw the file ready.</summary>
    public bool IsComplete => LastStatus?.ResultUrl is not null;

    /// <summary>Polls the job once.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<Job> RefreshAsync(CancellationToken cancellationToken = default) =>
        (await PollAsync(cancellationToken).ConfigureAwait(false)).Job;

    /// <summary>
    /// Polls <c>GET /jobs/{id}</c> until <c>result_url</c> is set. The wait between polls is at most
    /// <see cref="TeamUpClientOptions.ExportPollInterval"/>, doubling up to <see cref="TeamUpClientOptions.ExportMaxPollInterval"/>
    /// (by default <see cref="TeamUpClientOptions.MaxRetryDelay"/>); shorter when the job's progress (<c>complete_items</c>
    /// over time) says it finishes sooner, so the next poll lands just after the predicted finish. It is never shorter
    /// than a <c>Retry-After</c> the server sent. A job this client started is first polled a quarter of
    /// <see cref="TeamUpClientOptions.ExportPollInterval"/> after it was asked for. After <see cref="TeamUpClientOptions.ExportTimeout"/> it
    /// gives up with a <see cref="TeamUpExportTimeoutException"/> (status 0). The job goes on on TeamUp's side; wait again later.
    /// </summary>
    /// <param name="progress">Receives <c>complete_items</c>/<c>total_items</c> after each poll.</param>
    /// <param name="cancellationToken">Stops waiting (the job goes on).</param>
    public async Task<Job> WaitForCompletionAsync(IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var options = _context.Options;
        var time = options.TimeProvider;
        var deadline = time.GetUtcNow() + options.ExportTimeout;
        var schedule = new ExportPollSchedule(options.ExportPollInterval, options.ExportMaxPollInterval ?? options.MaxRetryDelay);
        if (_startedAt is { } started && LastStatus is null)
        {
            schedule.Started(started);
            var first = started + schedule.FirstWaitAfterStart - time.GetUtcNow();
            if (first > TimeSpan.Zero)
            {
                await Task.Delay(first, time, cancellationToken).ConfigureAwait(false);
            }
        }
        while (true)
        {
            TimeSpan wait;
            try
            {
                var (job, after) = await PollAsync(cancellationToken).ConfigureAwait(false);
                progress?.Report(new ExportProgress(job.CompleteItems ?? 0, job.TotalItems, job.ResultUrl is not null));
                if (job.ResultUrl is not null)
                {
                    Log.JobComplete(_context.Logger, Id);
                    return job;
                }
                Log.JobProgress(_context.Logger, Id, job.CompleteItems ?? 0, job.TotalItems);
                wait = schedule.Next(time.GetUtcNow(), job.CompleteItems ?? 0, job.TotalItems);
                if (after is { } asked && asked > wait)
                {
                    wait = asked;
                }
            }
            catch (TeamUpRateLimitedException limited)
            {
                // The client's own retries are spent; keep polling, as slowly as TeamUp asks (no progress seen).
                var scheduled = schedule.NextWithoutProgress();
                wait = limited.RetryAfter is { } asked && asked > scheduled ? asked : scheduled;
            }
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                throw new TeamUpExportTimeoutException(Id, options.ExportTimeout, LastStatus);
            }
            await Task.Delay(wait < left ? wait : left, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(Job Job, TimeSpan? RetryAfter)> PollAsync(CancellationToken cancellationToken)
    {
        var result = _jobs is JobsClient concrete
            ? await concrete.RetrieveWithRetryAfterAsync(Id, cancellationToken).ConfigureAwait(false)
            : (await _jobs.RetrieveAsync(Id, cancellationToken).ConfigureAwait(false), null);
        LastStatus = result.Job;
        return result;
    }
}
