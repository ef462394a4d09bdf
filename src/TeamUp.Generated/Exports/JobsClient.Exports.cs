using System.Runtime.CompilerServices;

namespace TeamUp.Generated;

/// <remarks>Asynchronous jobs, such as report exports (<c>/jobs</c>), and export jobs to resume.</remarks>
public partial interface IJobsClient
{
    /// <summary>A handle on an export started earlier (e.g. by another process), to wait for it and read its file.</summary>
    /// <param name="id">The job id that <c>Start…ExportAsync</c> or the export endpoint answered.</param>
    /// <param name="format">The format the export was asked in (TeamUp's default, CSV, when null).</param>
    ExportJob GetExportJob(int id, ReportFormat? format = null);
}

public partial class JobsClient
{
    private static readonly AsyncLocal<StrongBox<TimeSpan?>?> RetryAfterSeen = new();

    /// <inheritdoc />
    public virtual ExportJob GetExportJob(int id, ReportFormat? format = null) => new(id, format, this, Context);

    partial void ProcessResponse(HttpClient client, HttpResponseMessage response)
    {
        if (RetryAfterSeen.Value is { } box)
        {
            box.Value = TeamUpRetryPolicy.RetryAfter(response, Context.Options.TimeProvider);
        }
    }

    /// <summary>Polls a job and says whether the answer carried a <c>Retry-After</c>.</summary>
    internal async Task<(Job Job, TimeSpan? RetryAfter)> RetrieveWithRetryAfterAsync(int id, CancellationToken cancellationToken)
    {
        var box = new StrongBox<TimeSpan?>();
        RetryAfterSeen.Value = box;
        try
        {
            var job = await RetrieveAsync(id, cancellationToken).ConfigureAwait(false);
            return (job, box.Value);
        }
        finally
        {
            RetryAfterSeen.Value = null;
        }
    }
}
