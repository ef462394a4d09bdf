namespace TeamUp.Generated;

/// <summary>
/// When to poll an export job next. The upper bound is the plain schedule (the first wait, doubling up to the cap),
/// so a job is never looked at later than that schedule would; within it, the job's own progress decides: from
/// <c>complete_items</c> over time the finish is predicted and the next poll lands just after it, instead of up to
/// a whole (doubled) interval after. A <c>Retry-After</c> and the export timeout still apply on top (the caller's part).
/// </summary>
/// <remarks>
/// The pace is measured from the job's start (when this client started it; otherwise its first poll) to the latest
/// poll, timed when the answer arrived. A job started here that progresses evenly is then never predicted early: the
/// answer is timed after the server counted, and a partly done item is not counted, so the pace can only be
/// underestimated (by less than one item over the time so far). A job that waited in a queue before starting looks
/// slower than it is, which only makes the prediction later, and the plain schedule still bounds it. A job that
/// slows down near its end costs one more poll, never a later one than the plain schedule's.
/// </remarks>
internal sealed class ExportPollSchedule(TimeSpan first, TimeSpan longest)
{
    // Slack after the predicted finish: a job's pace is never perfectly even (a fixed part for the round trip).
    private static readonly TimeSpan MinimumSlack = TimeSpan.FromMilliseconds(10);
    private const double SlackFraction = 0.02;

    private TimeSpan _backoff = first;
    private (DateTimeOffset At, int Complete)? _origin;

    /// <summary>The wait before the first poll of a job this client just started.</summary>
    /// <remarks>
    /// A poll right after the POST only ever sees 0 items. A quarter of the first interval in, it sees how fast the
    /// job goes (or that it is done): a short job is found finished a full interval sooner, at no extra poll.
    /// </remarks>
    public TimeSpan FirstWaitAfterStart { get; } = first / 4;

    /// <summary>The job was created at (or just after) <paramref name="at"/>, with nothing done yet.</summary>
    public void Started(DateTimeOffset at) => _origin = (at, 0);

    /// <summary>The wait before the next poll, after a poll that told nothing about progress (refused, rate limited).</summary>
    public TimeSpan NextWithoutProgress()
    {
        var scheduled = _backoff;
        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, longest.Ticks));
        return scheduled;
    }

    /// <summary>The wait before the next poll, after a poll answered at <paramref name="at"/> with this progress.</summary>
    public TimeSpan Next(DateTimeOffset at, int complete, int total)
    {
        var scheduled = NextWithoutProgress();
        if (_origin is not { } origin || complete < origin.Complete)
        {
            // The first sight of a job resumed by id (or its counting restarted): measure from here.
            _origin = (at, Math.Max(complete, 0));
            return scheduled;
        }
        var elapsed = at - origin.At;
        if (complete == origin.Complete || total <= complete || elapsed <= TimeSpan.Zero)
        {
            return scheduled;
        }
        var itemsPerTick = (complete - origin.Complete) / (double)elapsed.Ticks;
        var remaining = TimeSpan.FromTicks((long)Math.Min((total - complete) / itemsPerTick, TimeSpan.MaxValue.Ticks / 2.0));
        var predicted = remaining + MinimumSlack + remaining * SlackFraction;
        return predicted < scheduled ? predicted : scheduled;
    }
}
