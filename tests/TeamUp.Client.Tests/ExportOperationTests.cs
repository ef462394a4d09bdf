using System.Net;
using System.Text;

namespace TeamUp.Client.Tests;

/// <summary>
/// The export job as a long-running operation: per-call wait options over the client's defaults, a handle a caller's test
/// can fake, and export files marked as streamed by a request option rather than by their operation's name.
/// </summary>
public class ExportOperationTests
{
    private const string JobUrl = FakeTeamUp.Base + "jobs/12";
    private const string Storage = "https://storage.test/exports/12.csv?X-Amz-Signature=sig123";

    private static string JobJson(int complete, int total, string? resultUrl = null) =>
        $$"""{"id":12,"object":"job","result_url":{{(resultUrl is null ? "null" : "\"" + resultUrl + "\"")}},"total_items":{{total}},"complete_items":{{complete}}}""";

    [Fact]
    public async Task A_per_call_timeout_bounds_one_wait_and_the_clients_stays_the_default()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(3, 10)));
        using var client = api.Client(o => o.ExportTimeout = TimeSpan.FromMinutes(30));
        var job = client.Jobs.GetExportJob(12);

        var started = api.Time.GetUtcNow();
        var error = await Assert.ThrowsAsync<TeamUpExportTimeoutException>(() =>
            api.Run(() => job.WaitForCompletionAsync(new ExportWaitOptions { Timeout = TimeSpan.FromSeconds(45) })));

        Assert.Equal(TimeSpan.FromSeconds(45), error.Waited);
        Assert.Equal(TimeSpan.FromSeconds(45), api.Time.GetUtcNow() - started);
        Assert.Contains("ExportWaitOptions.Timeout", error.Message);
        Assert.Equal(TeamUpFailureKind.Timeout, error.Kind);

        // Without options, the same handle waits by the client's ExportTimeout.
        started = api.Time.GetUtcNow();
        var defaulted = await Assert.ThrowsAsync<TeamUpExportTimeoutException>(() => api.Run(() => job.WaitForCompletionAsync()));
        Assert.Equal(TimeSpan.FromMinutes(30), defaulted.Waited);
        Assert.Contains("TeamUpClientOptions.ExportTimeout", defaulted.Message);
    }

    [Fact]
    public async Task A_per_call_idle_timeout_fails_a_stalled_download_as_a_typed_stall()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(1, 1, Storage)));
        using var client = api.Client(o => o.DownloadIdleTimeout = TimeSpan.FromMinutes(5));
        var job = client.Jobs.GetExportJob(12);
        await api.Run(() => job.WaitForCompletionAsync());
        api.Intercept = async (request, ct) =>
        {
            await api.StallAsync(ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        };

        var started = api.Time.GetUtcNow();
        var error = await Assert.ThrowsAsync<TeamUpDownloadStalledException>(() =>
            api.Run(() => job.DownloadToAsync(new MemoryStream(), new ExportWaitOptions { DownloadIdleTimeout = TimeSpan.FromSeconds(7) })));

        Assert.Equal(TimeSpan.FromSeconds(7), error.IdleTimeout);
        Assert.Equal(TeamUpFailureKind.DownloadStalled, error.Kind);
        Assert.Contains("ExportWaitOptions.DownloadIdleTimeout", error.Message);
        Assert.True(api.Time.GetUtcNow() - started < TimeSpan.FromMinutes(1), "the client's 5 minutes were used, not the call's 7 s");
    }

    [Fact]
    public async Task A_per_call_size_limit_refuses_a_larger_file()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(1, 1, Storage)));
        api.On(HttpMethod.Get, Storage, _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("id\n" + string.Concat(Enumerable.Range(1, 100).Select(i => $"{i}\n")), Encoding.UTF8, "text/csv"),
        });
        using var client = api.Client();
        var job = client.Jobs.GetExportJob(12);

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() =>
            api.Run(() => job.DownloadToAsync(new MemoryStream(), new ExportWaitOptions { MaxDownloadSize = 20 })));

        Assert.Equal(TeamUpFailureKind.TooLarge, error.Kind);
        Assert.Contains("larger than 20 bytes", error.Message);
        Assert.Contains("ExportWaitOptions.MaxDownloadSize", error.Message);
    }

    [Fact]
    public async Task Wait_options_out_of_range_are_refused_before_anything_is_sent()
    {
        using var api = new FakeTeamUp();
        using var client = api.Client();
        var job = client.Jobs.GetExportJob(12);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => job.WaitForCompletionAsync(new ExportWaitOptions { Timeout = TimeSpan.FromDays(8) }));
        Assert.Empty(api.Requests);
    }

    /// <summary>What a caller's unit test writes: a job that is done at once and whose file is a fixed text.</summary>
    private sealed class FinishedExport(int id, string csv) : ExportJob(id, ReportFormat.Csv)
    {
        public override Task<Job> WaitForCompletionAsync(ExportWaitOptions? options, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
        {
            progress?.Report(new ExportProgress(1, 1, true));
            return Task.FromResult(new Job { Id = Id, Object = "job", TotalItems = 1, CompleteItems = 1, ResultUrl = new Uri("https://storage.test/x.csv") });
        }

        public override async Task DownloadToAsync(Stream destination, ExportWaitOptions? options, CancellationToken cancellationToken = default) =>
            await destination.WriteAsync(Encoding.UTF8.GetBytes(csv), cancellationToken);
    }

    /// <summary>Code under test in a caller's application: it only knows <see cref="ExportJob"/>.</summary>
    private static async Task<string> SaveAsync(ExportJob job)
    {
        await job.WaitForCompletionAsync();
        var file = new MemoryStream();
        await job.DownloadToAsync(file);
        return $"{job.Id}:{Encoding.UTF8.GetString(file.ToArray())}";
    }

    [Fact]
    public async Task A_callers_test_can_fake_an_export_job()
    {
        var fake = new FinishedExport(77, "id\n1\n");

        Assert.Equal("77:id\n1\n", await SaveAsync(fake));
        // A member the fake does not override says so, rather than failing somewhere inside the SDK.
        var error = await Assert.ThrowsAsync<NotSupportedException>(() => fake.UpdateStatusAsync());
        Assert.Contains("protected constructor", error.Message);
    }

    [Fact]
    public async Task Export_files_are_streamed_because_the_request_says_so_not_because_of_its_operation_name()
    {
        using var api = new FakeTeamUp();
        var big = new string('x', 4096);
        api.On(HttpMethod.Get, FakeTeamUp.Base + "file", FakeTeamUp.Answer(HttpStatusCode.OK, big));
        using var client = api.Client(o => o.MaxResponseSize = 1024);
        var http = ((JobsClient)client.Jobs).Context.Api;

        // Marked as streamed: not read whole, so not bounded by MaxResponseSize.
        using (var streamed = new HttpRequestMessage(HttpMethod.Get, FakeTeamUp.Base + "file"))
        {
            streamed.Options.Set(TeamUpOperation.RequestOption, ExportJob.DownloadOperation);
            streamed.Options.Set(TeamUpOperation.StreamedOption, true);
            using var response = await api.Run(() => http.SendAsync(streamed, HttpCompletionOption.ResponseHeadersRead));
            Assert.Equal(big.Length, (await response.Content.ReadAsStringAsync()).Length);
        }

        // Named like a download but not marked: an API answer like any other, bounded.
        using var named = new HttpRequestMessage(HttpMethod.Get, FakeTeamUp.Base + "file");
        named.Options.Set(TeamUpOperation.RequestOption, ExportJob.DownloadOperation);
        await Assert.ThrowsAsync<TeamUpResponseTooLargeException>(() => api.Run(() => http.SendAsync(named, HttpCompletionOption.ResponseHeadersRead)));
    }

    [Fact]
    public async Task A_poll_paces_itself_by_the_retry_after_of_its_typed_answer()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl,
            FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(1, 10), r => r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(40))),
            FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(10, 10, Storage)));
        using var client = api.Client();

        await api.Run(() => client.Jobs.GetExportJob(12).WaitForCompletionAsync());

        var polls = api.Requests.Select(r => r.At).ToArray();
        Assert.Equal(TimeSpan.FromSeconds(40), polls[1] - polls[0]);
    }
}
