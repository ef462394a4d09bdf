using Microsoft.Extensions.Logging.Abstractions;

namespace TeamUp.Client.Tests;

/// <summary>
/// Export polling that follows the job: on a virtual clock that jumps straight to the next timer, jobs that
/// progress like the sandbox's (complete_items grows evenly with time, counted in whole items) are waited for by
/// the real <see cref="ExportJob.WaitForCompletionAsync"/>. From the finish to the poll that sees it: at most 15% of
/// the job's duration or 250 ms; and never more polls than the plain doubling schedule would have made.
/// </summary>
public class ExportPollingTests
{
    public static TheoryData<double, double, double, int> Jobs()
    {
        var data = new TheoryData<double, double, double, int>();
        // (first interval, cap) of the SDK's defaults and of the CLI.
        foreach (var (first, cap) in new[] { (1.0, 30.0), (0.25, 1.0) })
        {
            foreach (var seconds in new[] { 0.1, 0.4, 0.9, 2, 3.7, 10, 45, 130, 900 })
            {
                foreach (var items in new[] { 25, 1_000, 250_000 })
                {
                    data.Add(first, cap, seconds, items);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Jobs))]
    public async Task A_started_job_is_seen_finished_soon_after_with_no_more_polls_than_the_doubling_schedule(double first, double cap, double seconds, int items)
    {
        var clock = new VirtualClock();
        var duration = TimeSpan.FromSeconds(seconds);
        var jobs = new EvenJob(clock, clock.GetUtcNow(), duration, items);
        var job = new ExportJob(7, ReportFormat.Csv, jobs.PollAsync, Context(clock, first, cap), startedAt: clock.GetUtcNow());

        await clock.RunAsync(job.WaitForCompletionAsync());

        var finishedAt = jobs.CreatedAt + duration;
        var seenAt = jobs.Polls[^1];
        var late = seenAt - finishedAt;
        Assert.True(late >= TimeSpan.Zero);
        var allowed = TimeSpan.FromTicks(Math.Max(duration.Ticks * 15 / 100, TimeSpan.FromMilliseconds(250).Ticks));
        Assert.True(late <= allowed, $"seen {late.TotalMilliseconds:0} ms after the finish, allowed {allowed.TotalMilliseconds:0} ms; polls at {Describe(jobs)}");
        var plain = PlainSchedulePolls(duration, TimeSpan.FromSeconds(first), TimeSpan.FromSeconds(cap));
        Assert.True(jobs.Polls.Count <= plain, $"{jobs.Polls.Count} polls, the doubling schedule makes {plain}; polls at {Describe(jobs)}");
    }

    [Fact]
    public void The_doubling_schedule_alone_is_late_by_far_more_than_the_target()
    {
        // The case the issue measured: the CLI's 250 ms doubling to 1 s saw a 2 s job finished about 0.8 s late; the
        // SDK's defaults see a 45 s job 16 s late. The prediction finds both within the target (the theory above).
        Assert.Equal(TimeSpan.FromSeconds(2.75), PlainScheduleSeesItAt(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromSeconds(61), PlainScheduleSeesItAt(TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_job_resumed_by_id_is_measured_from_its_first_poll()
    {
        var clock = new VirtualClock();
        var duration = TimeSpan.FromSeconds(60);
        var jobs = new EvenJob(clock, clock.GetUtcNow() - TimeSpan.FromSeconds(20), duration, 5_000);
        var job = new ExportJob(7, ReportFormat.Csv, jobs.PollAsync, Context(clock, 1, 30));

        await clock.RunAsync(job.WaitForCompletionAsync());

        Assert.Equal(clock.Start, jobs.Polls[0]); // no head start to wait for: the job is not new
        var late = jobs.Polls[^1] - (jobs.CreatedAt + duration);
        Assert.InRange(late, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        // Plain schedule from the first poll: 0, 1, 3, 7, 15, 31, 61 s → 7 polls (and 21 s late).
        Assert.InRange(jobs.Polls.Count, 2, 7);
    }

    [Fact]
    public async Task A_job_whose_pace_is_unknown_is_polled_on_the_doubling_schedule()
    {
        var clock = new VirtualClock();
        var jobs = new EvenJob(clock, clock.GetUtcNow(), TimeSpan.FromSeconds(20), 1_000) { ReportsTotal = false };
        var job = new ExportJob(7, ReportFormat.Csv, jobs.PollAsync, Context(clock, 1, 30), startedAt: clock.GetUtcNow());

        await clock.RunAsync(job.WaitForCompletionAsync());

        var offsets = jobs.Polls.Select(p => (p - clock.Start).TotalSeconds).ToArray();
        Assert.Equal([0.25, 1.25, 3.25, 7.25, 15.25, 31.25], offsets);
    }

    private static string Describe(EvenJob jobs) =>
        string.Join(", ", jobs.Polls.Select(p => $"{(p - jobs.CreatedAt).TotalSeconds:0.###}"));

    private static TeamUpClientContext Context(TimeProvider clock, double first, double cap)
    {
        var options = new TeamUpClientOptions
        {
            BaseUrl = new Uri(FakeTeamUp.Base),
            ApiKey = FakeTeamUp.Key,
            TimeProvider = clock,
            ExportPollInterval = TimeSpan.FromSeconds(first),
            ExportMaxPollInterval = TimeSpan.FromSeconds(cap),
            ExportTimeout = TimeSpan.FromHours(1),
        };
        return new TeamUpClientContext(options, new HttpClient(), new HttpClient(), NullLoggerFactory.Instance);
    }

    // Before this change: a poll right away, then waits of `first`, doubling up to `cap`.
    private static TimeSpan PlainScheduleSeesItAt(TimeSpan duration, TimeSpan first, TimeSpan cap)
    {
        var at = TimeSpan.Zero;
        var wait = first;
        while (at < duration)
        {
            at += wait;
            wait = wait * 2 < cap ? wait * 2 : cap;
        }
        return at;
    }

    private static int PlainSchedulePolls(TimeSpan duration, TimeSpan first, TimeSpan cap)
    {
        var (at, wait, polls) = (TimeSpan.Zero, first, 1);
        while (at < duration)
        {
            at += wait;
            wait = wait * 2 < cap ? wait * 2 : cap;
            polls++;
        }
        return polls;
    }

    /// <summary>A job like the sandbox's: complete_items = ⌊items × elapsed / duration⌋, the file ready at the end.</summary>
    private sealed class EvenJob(TimeProvider clock, DateTimeOffset createdAt, TimeSpan duration, int items) : IJobsClient
    {
        public DateTimeOffset CreatedAt { get; } = createdAt;

        public List<DateTimeOffset> Polls { get; } = [];

        public bool ReportsTotal { get; init; } = true;

        public Task<Job> RetrieveAsync(int id, CancellationToken cancellationToken = default)
        {
            var now = clock.GetUtcNow();
            Polls.Add(now);
            var elapsed = now - CreatedAt;
            var done = elapsed >= duration;
            var complete = done ? items : (int)Math.Clamp(items * (elapsed / duration), 0, items);
            return Task.FromResult(new Job
            {
                Id = id,
                Object = "job",
                TotalItems = ReportsTotal ? items : 0,
                CompleteItems = ReportsTotal ? complete : null,
                ResultUrl = done ? new Uri("https://storage.test/7.csv") : null,
            });
        }

        public ExportJob GetExportJob(int id, ReportFormat? format = null) => throw new NotSupportedException();

        public async Task<JobStatus> PollAsync(int id, CancellationToken cancellationToken) => new(await RetrieveAsync(id, cancellationToken), null);
    }

    /// <summary>
    /// A clock that only moves when the code under test waits: it jumps to the earliest pending timer and fires it.
    /// The jobs client above answers at once, so the only timers are the waits between polls.
    /// </summary>
    private sealed class VirtualClock : TimeProvider
    {
        private readonly object _gate = new();
        private readonly List<VirtualTimer> _timers = [];
        private DateTimeOffset _now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

        public DateTimeOffset Start { get; } = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow()
        {
            lock (_gate)
            {
                return _now;
            }
        }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => GetUtcNow().UtcTicks;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new VirtualTimer(this, callback, state);
            timer.Change(dueTime, period);
            return timer;
        }

        public async Task RunAsync(Task task)
        {
            var idle = 0;
            while (!task.IsCompleted)
            {
                VirtualTimer? next;
                lock (_gate)
                {
                    next = _timers.Where(t => t.Due is not null).MinBy(t => t.Due);
                    if (next is not null)
                    {
                        _now = next.Due!.Value > _now ? next.Due.Value : _now;
                        next.Due = null;
                    }
                }
                if (next is not null)
                {
                    idle = 0;
                    next.Fire();
                    continue;
                }
                Assert.True(++idle < 5_000, "the code under test neither finished nor waited on the clock");
                await Task.WhenAny(task, Task.Delay(1));
            }
            await task;
        }

        private sealed class VirtualTimer(VirtualClock clock, TimerCallback callback, object? state) : ITimer
        {
            public DateTimeOffset? Due { get; set; }

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                Assert.Equal(Timeout.InfiniteTimeSpan, period);
                lock (clock._gate)
                {
                    clock._timers.Remove(this);
                    Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
                    if (Due is not null)
                    {
                        clock._timers.Add(this);
                    }
                }
                return true;
            }

            public void Fire()
            {
                lock (clock._gate)
                {
                    clock._timers.Remove(this);
                }
                callback(state);
            }

            public void Dispose()
            {
                lock (clock._gate)
                {
                    clock._timers.Remove(this);
                    Due = null;
                }
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
