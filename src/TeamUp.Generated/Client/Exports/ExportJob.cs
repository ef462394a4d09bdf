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

    internal ExportJob(int id, ReportFormat? format, IJobsClient jobs, TeamUpClientContext context)
    {
        Id = id;
        Format = format;
        _jobs = jobs;
        _context = context;
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
    /// Polls <c>GET /jobs/{id}</c> until <c>result_url</c> is set: the wait starts at
    /// <see cref="TeamUpClientOptions.ExportPollInterval"/> and doubles up to <see cref="TeamUpClientOptions.ExportMaxPollInterval"/>
    /// (by default <see cref="TeamUpClientOptions.MaxRetryDelay"/>),
    /// never shorter than a <c>Retry-After</c> the server sent; after <see cref="TeamUpClientOptions.ExportTimeout"/> it
    /// gives up with a <see cref="TeamUpExportTimeoutException"/> (status 0). The job goes on on TeamUp's side; wait again later.
    /// </summary>
    /// <param name="progress">Receives <c>complete_items</c>/<c>total_items</c> after each poll.</param>
    /// <param name="cancellationToken">Stops waiting (the job goes on).</param>
    public async Task<Job> WaitForCompletionAsync(IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var options = _context.Options;
        var time = options.TimeProvider;
        var deadline = time.GetUtcNow() + options.ExportTimeout;
        var backoff = options.ExportPollInterval;
        var longest = options.ExportMaxPollInterval ?? options.MaxRetryDelay;
        while (true)
        {
            TimeSpan? retryAfter;
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
                retryAfter = after;
            }
            catch (TeamUpRateLimitedException limited)
            {
                // The client's own retries are spent; keep polling, as slowly as TeamUp asks.
                retryAfter = limited.RetryAfter ?? backoff;
            }
            var wait = retryAfter is { } asked && asked > backoff ? asked : backoff;
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, longest.Ticks));
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
