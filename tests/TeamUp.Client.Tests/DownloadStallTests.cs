using System.Net;
using System.Text;

namespace TeamUp.Client.Tests;

/// <summary>
/// An export file may take as long as it needs, but a stalled one fails after <c>DownloadIdleTimeout</c>, and a
/// connection lost midway is a <see cref="TeamUpApiException"/> however the file is read. All on the fake clock.
/// </summary>
public class DownloadStallTests
{
    private const string JobUrl = FakeTeamUp.Base + "jobs/12";
    private const string Storage = "https://storage.test/exports/12.csv?X-Amz-Signature=sig123";
    private static readonly byte[] Csv = Encoding.UTF8.GetBytes("id,status\n" + string.Concat(Enumerable.Range(1, 200).Select(i => $"{i},paid\n")));

    private static async Task<ExportJob> FinishedJobAsync(FakeTeamUp api, TeamUpClient client)
    {
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, $$"""{"id":12,"object":"job","result_url":"{{Storage}}","total_items":1,"complete_items":1}"""));
        var job = client.Jobs.GetExportJob(12);
        await api.Run(() => job.WaitForCompletionAsync());
        return job;
    }

    private static void ServeFile(FakeTeamUp api, Func<Stream> body) =>
        api.Intercept = (request, _) => request.RequestUri!.Host == "storage.test"
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body()) { Headers = { ContentType = new("text/csv") } } })
            : null;

    [Fact]
    public async Task A_file_that_stops_arriving_fails_after_the_idle_timeout()
    {
        using var api = new FakeTeamUp();
        using var client = api.Client(o => o.DownloadIdleTimeout = TimeSpan.FromSeconds(20));
        var job = await FinishedJobAsync(api, client);
        ServeFile(api, () => new PacedFile(Csv, chunk: 64, pause: null, api.Time, stallAfter: 512));
        var destination = new MemoryStream();

        var error = await Assert.ThrowsAsync<TeamUpDownloadStalledException>(() => api.Run(() => job.DownloadToAsync(destination)));

        Assert.Equal(0, error.StatusCode);
        Assert.Equal(TeamUpFailureKind.DownloadStalled, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(20), error.IdleTimeout);
        Assert.Equal(ExportJob.DownloadOperation, error.Operation);
        Assert.Contains("DownloadIdleTimeout", error.Message);
        Assert.Contains("20 s", error.Message);
        Assert.Equal(512, destination.Length);
    }

    [Fact]
    public async Task A_slow_file_that_keeps_arriving_is_read_to_the_end()
    {
        using var api = new FakeTeamUp();
        using var client = api.Client(o => o.DownloadIdleTimeout = TimeSpan.FromSeconds(20));
        var job = await FinishedJobAsync(api, client);
        // 15 s between chunks and far longer than 20 s in all: the timeout is per read, not for the file.
        ServeFile(api, () => new PacedFile(Csv, chunk: 256, pause: TimeSpan.FromSeconds(15), api.Time));

        var rows = await api.Run(() => job.ReadRowsAsync().ToListAsync().AsTask());

        Assert.Equal(200, rows.Count);
        Assert.Equal("200", rows[^1]["id"]);
    }

    [Fact]
    public async Task An_infinite_idle_timeout_waits_for_the_caller_to_cancel()
    {
        using var api = new FakeTeamUp();
        using var client = api.Client(o => o.DownloadIdleTimeout = Timeout.InfiniteTimeSpan);
        var job = await FinishedJobAsync(api, client);
        ServeFile(api, () => new PacedFile(Csv, chunk: 64, pause: null, api.Time, stallAfter: 512));
        using var cancel = new CancellationTokenSource();

        var download = api.Run(() => job.DownloadToAsync(Stream.Null, cancel.Token));
        // The download comes to rest on the stalled file with no timer set: no idle timeout will ever end it.
        await api.Time.UntilOnlyStalledAsync();
        Assert.False(download.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download);
    }

    [Fact]
    public async Task Response_headers_that_never_come_fail_after_the_idle_timeout()
    {
        using var api = new FakeTeamUp();
        using var client = api.Client(o => o.DownloadIdleTimeout = TimeSpan.FromSeconds(20));
        var job = await FinishedJobAsync(api, client);
        api.Intercept = async (request, ct) =>
        {
            if (request.RequestUri!.Host != "storage.test") return null!;
            await api.StallAsync(ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        };

        var error = await Assert.ThrowsAsync<TeamUpDownloadStalledException>(() => api.Run(() => job.DownloadToAsync(Stream.Null)));

        Assert.Equal(0, error.StatusCode);
        Assert.Equal(TeamUpFailureKind.DownloadStalled, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(20), error.IdleTimeout);
        Assert.Contains("DownloadIdleTimeout", error.Message);
    }

    [Theory]
    [InlineData("rows")]
    [InlineData("typed rows")]
    [InlineData("download")]
    public async Task A_connection_lost_midway_is_a_TeamUpApiException_however_the_file_is_read(string how)
    {
        using var api = new FakeTeamUp();
        using var client = api.Client();
        var job = await FinishedJobAsync(api, client);
        ServeFile(api, () => new PacedFile(Csv, chunk: 64, pause: null, api.Time, failAfter: 512));

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => how switch
        {
            "rows" => job.ReadRowsAsync().ToListAsync().AsTask(),
            "typed rows" => job.ReadRowsAsync<InvoicesReportRow>().ToListAsync().AsTask(),
            _ => job.DownloadToAsync(new MemoryStream()),
        });

        Assert.Equal(0, error.StatusCode);
        Assert.Equal(TeamUpFailureKind.Transport, error.Kind);
        Assert.Equal(ExportJob.DownloadOperation, error.Operation);
        Assert.IsType<IOException>(error.InnerException);
        Assert.Contains("lost partway through the file: Connection reset by peer", error.Message);
    }

    [Fact]
    public async Task The_destination_failing_is_not_reported_as_a_download_failure()
    {
        using var api = new FakeTeamUp();
        using var client = api.Client();
        var job = await FinishedJobAsync(api, client);
        ServeFile(api, () => new MemoryStream(Csv));

        var error = await Assert.ThrowsAsync<IOException>(() => job.DownloadToAsync(new FullDisk()));

        Assert.Equal("No space left on device", error.Message);
    }

    /// <summary>A file served <c>chunk</c> bytes per read, with a pause (on the fake clock) before each; it can stall or break.</summary>
    private sealed class PacedFile(byte[] content, int chunk, TimeSpan? pause, TestClock time, int? stallAfter = null, int? failAfter = null) : SourceStream
    {
        private int _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == stallAfter) await time.StallAsync(cancellationToken, inRequest: false);
            if (_position == failAfter) throw new IOException("Connection reset by peer");
            if (pause is { } wait && _position > 0) await Task.Delay(wait, time, cancellationToken);
            var count = Math.Min(Math.Min(chunk, buffer.Length), content.Length - _position);
            content.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }
    }

    private sealed class FullDisk : SinkStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device");
    }
}
