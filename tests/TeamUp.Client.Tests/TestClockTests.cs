using System.Net;
using System.Net.Http.Headers;

namespace TeamUp.Client.Tests;

/// <summary>The fake clock itself: it must never run ahead of real work, and a test that hangs must fail, not hang.</summary>
public class TestClockTests
{
    private const string JobUrl = FakeTeamUp.Base + "jobs/12";

    [Fact]
    public async Task A_request_being_answered_is_never_overtaken_by_the_clock()
    {
        // The race of ExportTests.Rate_limited_polls_keep_waiting_as_asked, made certain: the second poll is answered
        // only after the clock has had hundreds of chances to move. A clock that moves while a request is being answered
        // fires its 30 s attempt timeout and then the 120 s total timeout, and the wait fails as "timed out".
        using var api = new FakeTeamUp();
        var polls = 0;
        api.Intercept = async (request, ct) =>
        {
            if (Interlocked.Increment(ref polls) == 1)
            {
                return FakeTeamUp.Json(HttpStatusCode.TooManyRequests, "{}", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromHours(1)));
            }
            var seen = api.Time.Checks;
            while (api.Time.Checks < seen + 300)
            {
                await Task.Yield();
            }
            return FakeTeamUp.Json(HttpStatusCode.OK, """{"id":12,"object":"job","result_url":"https://storage.test/12.csv","total_items":1,"complete_items":1}""");
        };
        using var client = api.Client(o => o.ExportTimeout = TimeSpan.FromHours(2));
        var started = api.Time.GetUtcNow();

        var job = await api.Run(() => client.Jobs.GetExportJob(12).WaitForCompletionAsync());

        Assert.NotNull(job.ResultUrl);
        Assert.Equal(2, polls);
        Assert.Equal(TimeSpan.FromHours(1), api.Time.GetUtcNow() - started);
    }

    [Fact]
    public async Task A_timeout_is_reached_only_through_stalled_work()
    {
        using var api = new FakeTeamUp();
        api.Intercept = (_, ct) => api.StallAsync(ct).ContinueWith(_ => new HttpResponseMessage(HttpStatusCode.OK), TaskScheduler.Default);
        using var client = api.Client(o => { o.AttemptTimeout = TimeSpan.FromSeconds(5); o.MaxRetries = 0; });
        var started = api.Time.GetUtcNow();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));

        Assert.Contains("timed out", error.Message);
        Assert.Equal(TimeSpan.FromSeconds(5), api.Time.GetUtcNow() - started); // exactly the attempt timeout, no further
    }

    [Fact]
    public async Task Code_that_waits_for_nothing_the_clock_can_move_fails_the_test_after_the_real_time_bound()
    {
        using var api = new FakeTeamUp();
        api.Time.RealTimeBound = TimeSpan.FromMilliseconds(200);
        var never = new TaskCompletionSource<int>();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => api.Run(() => never.Task));

        Assert.Contains("nothing it could move to", error.Message);
        Assert.Equal(0, api.Time.Advances);
    }
}
