namespace TeamUp.Generated;

/// <summary>
/// A report export running on TeamUp, as a long-running operation: <see cref="Id"/> to resume it elsewhere
/// (<see cref="IJobsClient.GetExportJob"/>), <see cref="UpdateStatusAsync"/> to poll once, <see cref="WaitForCompletionAsync(ExportWaitOptions?, IProgress{ExportProgress}?, CancellationToken)"/>
/// to wait, then <see cref="DownloadToAsync(Stream, ExportWaitOptions?, CancellationToken)"/> or <see cref="ReadRowsAsync{T}(CancellationToken)"/>
/// for the file. The file is fetched from <c>result_url</c> without TeamUp's credentials unless that URL is on the API's own
/// origin; redirects are followed one by one and checked. Its members are virtual and it has a protected constructor,
/// so a caller's unit test can fake one.
/// </summary>
public partial class ExportJob
{
    /// <summary>The operation name that downloads and errors of the result file carry.</summary>
    public const string DownloadOperation = "Jobs_DownloadResult";

    private readonly JobStatusSource? _poll;
    private readonly TeamUpClientContext? _context;
    private readonly DateTimeOffset? _startedAt;

    /// <summary>For a fake in a caller's unit test: override the members it uses (the others throw).</summary>
    /// <param name="id">The job id the fake answers with.</param>
    /// <param name="format">The format it was asked in.</param>
    protected ExportJob(int id, ReportFormat? format = null)
    {
        Id = id;
        Format = format;
    }

    // startedAt: when the export was asked for, if this client did (measured before the POST was sent).
    internal ExportJob(int id, ReportFormat? format, JobStatusSource poll, TeamUpClientContext context, DateTimeOffset? startedAt = null)
        : this(id, format)
    {
        _poll = poll;
        _context = context;
        _startedAt = startedAt;
    }

    /// <summary>The job id (<c>GET /jobs/{id}</c>): keep it to resume the wait from another process.</summary>
    public virtual int Id { get; }

    /// <summary>The format asked for (TeamUp's default, CSV, when null); the file's content type decides when it says.</summary>
    public virtual ReportFormat? Format { get; }

    /// <summary>The job as last polled, or null before the first poll.</summary>
    public virtual Job? LastStatus { get; private protected set; }

    /// <summary>Whether the last poll saw the file ready.</summary>
    public virtual bool IsComplete => LastStatus?.ResultUrl is not null;

    private TeamUpClientContext Context => _context ?? throw new NotSupportedException(
        $"This {nameof(ExportJob)} was made with the protected constructor (a test fake): override the members the test uses.");

    /// <summary>Polls the job once (<c>GET /jobs/{id}</c>) and updates <see cref="LastStatus"/>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual async Task<Job> UpdateStatusAsync(CancellationToken cancellationToken = default) =>
        (await PollAsync(cancellationToken).ConfigureAwait(false)).Job;

    /// <summary>Polls the job once; the same as <see cref="UpdateStatusAsync"/>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<Job> RefreshAsync(CancellationToken cancellationToken = default) => UpdateStatusAsync(cancellationToken);

    /// <summary>Waits with the client's options; see <see cref="WaitForCompletionAsync(ExportWaitOptions?, IProgress{ExportProgress}?, CancellationToken)"/>.</summary>
    /// <param name="progress">Receives <c>complete_items</c>/<c>total_items</c> after each poll.</param>
    /// <param name="cancellationToken">Stops waiting (the job goes on).</param>
    public Task<Job> WaitForCompletionAsync(IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default) =>
        WaitForCompletionAsync(options: null, progress, cancellationToken);

    /// <summary>
    /// Polls <c>GET /jobs/{id}</c> until <c>result_url</c> is set. The wait between polls is at most
    /// <see cref="TeamUpClientOptions.ExportPollInterval"/>, doubling up to <see cref="TeamUpClientOptions.ExportMaxPollInterval"/>
    /// (by default <see cref="TeamUpClientOptions.MaxRetryDelay"/>); shorter when the job's progress (<c>complete_items</c>
    /// over time) says it finishes sooner, so the next poll lands just after the predicted finish. It is never shorter
    /// than a <c>Retry-After</c> the server sent. A job this client started is first polled a quarter of
    /// <see cref="TeamUpClientOptions.ExportPollInterval"/> after it was asked for. After <see cref="ExportWaitOptions.Timeout"/>
    /// (by default <see cref="TeamUpClientOptions.ExportTimeout"/>) it gives up with a <see cref="TeamUpExportTimeoutException"/>.
    /// The job goes on on TeamUp's side; wait again later.
    /// </summary>
    /// <param name="options">This wait's timeout; null or unset values take the client's.</param>
    /// <param name="progress">Receives <c>complete_items</c>/<c>total_items</c> after each poll.</param>
    /// <param name="cancellationToken">Stops waiting (the job goes on).</param>
    public virtual async Task<Job> WaitForCompletionAsync(ExportWaitOptions? options, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var client = Context.Options;
        var wait = (options ?? NoOptions).Resolve(client);
        var time = client.TimeProvider;
        var deadline = time.GetUtcNow() + wait.Timeout;
        var schedule = new ExportPollSchedule(client.ExportPollInterval, client.ExportMaxPollInterval ?? client.MaxRetryDelay);
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
            TimeSpan next;
            try
            {
                var (job, retryAfter) = await PollAsync(cancellationToken).ConfigureAwait(false);
                progress?.Report(new ExportProgress(job.CompleteItems ?? 0, job.TotalItems, job.ResultUrl is not null));
                if (job.ResultUrl is not null)
                {
                    Log.JobComplete(Context.Logger, Id);
                    return job;
                }
                Log.JobProgress(Context.Logger, Id, job.CompleteItems ?? 0, job.TotalItems);
                next = schedule.Next(time.GetUtcNow(), job.CompleteItems ?? 0, job.TotalItems);
                if (retryAfter is { } asked && asked > next)
                {
                    next = asked;
                }
            }
            catch (TeamUpRateLimitedException limited)
            {
                // The client's own retries are spent; keep polling, as slowly as TeamUp asks (no progress seen).
                var scheduled = schedule.NextWithoutProgress();
                next = limited.RetryAfter is { } asked && asked > scheduled ? asked : scheduled;
            }
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                throw new TeamUpExportTimeoutException(Id, wait.Timeout, LastStatus, wait.TimeoutSetting);
            }
            await Task.Delay(next < left ? next : left, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static readonly ExportWaitOptions NoOptions = new();

    private async Task<JobStatus> PollAsync(CancellationToken cancellationToken)
    {
        var poll = _poll ?? throw new NotSupportedException(
            $"This {nameof(ExportJob)} was made with the protected constructor (a test fake): override the members the test uses.");
        var status = await poll(Id, cancellationToken).ConfigureAwait(false);
        LastStatus = status.Job;
        return status;
    }
}

/// <summary>One answer of <c>GET /jobs/{id}</c>: the job, and how long TeamUp asked to wait before the next poll.</summary>
internal readonly record struct JobStatus(Job Job, TimeSpan? RetryAfter);

/// <summary>How an <see cref="ExportJob"/> polls (the jobs client of the client that made it; a test's fake).</summary>
internal delegate Task<JobStatus> JobStatusSource(int id, CancellationToken cancellationToken);
