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
    /// <inheritdoc />
    public virtual ExportJob GetExportJob(int id, ReportFormat? format = null) => StartedExport(id, format, null);

    /// <summary>A handle on a job that polls through this client (startedAt: when this client asked for it, if it did).</summary>
    internal ExportJob StartedExport(int id, ReportFormat? format, DateTimeOffset? startedAt) =>
        new(id, format, PollStatusAsync, Context, startedAt);

    /// <summary>
    /// <c>Jobs_Retrieve</c> as an export job's poll needs it: the job, and the answer's <c>Retry-After</c>, which the
    /// generated <see cref="RetrieveAsync"/> (it returns the job alone) does not pass on. Same request, same pipeline, the
    /// generated reader for the body and the same errors.
    /// </summary>
    internal async Task<JobStatus> PollStatusAsync(int id, CancellationToken cancellationToken)
    {
        const string operation = "Jobs_Retrieve";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(BaseUrl, UriKind.Absolute), "jobs/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        request.Headers.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("application/json"));
        request.Options.Set(TeamUpOperation.RequestOption, operation);
        using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var headers = ResponseHeaders.Of(response);
        var status = (int)response.StatusCode;
        if (status == 200)
        {
            var job = await ReadObjectResponseAsync<Job>(response, headers, cancellationToken).ConfigureAwait(false);
            return new JobStatus(
                job.Object ?? throw TeamUpApiException.FromResponse(response, "Response was null which was not expected.", status, job.Text, headers, null),
                RetryAfterHeader.Read(response, Context.Options.TimeProvider));
        }
        var error = await ReadObjectResponseAsync<Error>(response, headers, cancellationToken).ConfigureAwait(false);
        throw TeamUpApiException.FromResponse(response, "The HTTP status code of the response was not expected (" + status + ").", status, error.Text, headers, error.Object, null);
    }
}
