using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace TeamUp.Client.Tests;

/// <summary>
/// A fake clock that moves only when the code under test is waiting for it, and only as far as the next timer due.
/// It knows every timer the client sets and tells two kinds apart: a <em>wait</em> (<c>Task.Delay</c>: a retry
/// back-off, a Retry-After, the pause between export polls) and a <em>timeout</em> (a <see cref="CancellationTokenSource"/>
/// cancelled after a time: the attempt and total timeouts, the download idle timeout).
/// <para>
/// A wait is only ever set by code that is now blocked on it, so moving the clock to it is always right. A timeout is
/// pending while real work runs (a request being answered), so it is reached only when the test has said that all
/// remaining work is stuck (<see cref="StallAsync"/>): a clock that ran on while a request was being answered fired
/// the 30 s attempt timeout or the 120 s total timeout under a busy machine (the old 1-minute step did exactly that).
/// </para>
/// </summary>
internal sealed class TestClock : FakeTimeProvider
{
    /// <summary>The real-time bound of one <see cref="Run{T}"/> (default 60 s): only a test that hangs ever reaches it.</summary>
    public TimeSpan RealTimeBound { get; set; } = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly List<Entry> _timers = [];
    private int _stalled;
    private int _stalledRequests;
    private long _advances;
    private long _checks;

    public TestClock()
        : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Work the test has declared stuck until cancelled (a hung server, a stalled file).</summary>
    public int Stalled => Volatile.Read(ref _stalled);

    /// <summary>How often the clock was moved (a test can show that nothing needed it).</summary>
    public long Advances => Interlocked.Read(ref _advances);

    /// <summary>Of <see cref="Stalled"/>, those that are requests being answered (they also count in <see cref="Busy"/>).</summary>
    public int StalledRequests => Volatile.Read(ref _stalledRequests);

    /// <summary>How often <see cref="TryAdvance"/> looked whether it could move the clock.</summary>
    public long Checks => Interlocked.Read(ref _checks);

    /// <summary>Returns how many requests are being answered right now; real work the clock must not overtake.</summary>
    public Func<int> Busy { get; set; } = () => 0;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Task.Delay(TimeSpan, TimeProvider) passes its promise (a Task) as the state; a CancellationTokenSource made
        // with a TimeProvider passes itself. Anything else (none today) is treated as a timeout, the careful choice.
        var entry = new Entry(state is Task ? Kind.Wait : Kind.Timeout, period);
        ITimer inner = base.CreateTimer(s =>
        {
            entry.Fired(GetUtcNow());
            callback(s);
        }, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var timer = new TrackedTimer(this, inner, entry);
        lock (_gate)
        {
            _timers.Add(entry);
        }
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Waits, without a timer, until <paramref name="cancellationToken"/> is cancelled, counted as stuck work.</summary>
    /// <param name="cancellationToken">The only thing that ends the wait.</param>
    /// <param name="inRequest">Whether the stuck work is a request being answered (counted in <see cref="Busy"/>).</param>
    public async Task StallAsync(CancellationToken cancellationToken, bool inRequest)
    {
        Interlocked.Increment(ref _stalled);
        if (inRequest)
        {
            Interlocked.Increment(ref _stalledRequests);
        }
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        finally
        {
            if (inRequest)
            {
                Interlocked.Decrement(ref _stalledRequests);
            }
            Interlocked.Decrement(ref _stalled);
        }
    }

    private bool OnlyStalledWork() => Stalled > 0 && Busy() <= StalledRequests;

    /// <summary>
    /// Runs <paramref name="action"/>, moving the clock to the next due timer whenever the code waits for one (see the
    /// class remarks), and fails after <see cref="RealTimeBound"/> of real time with what was pending.
    /// </summary>
    public async Task<T> Run<T>(Func<Task<T>> action)
    {
        var task = action();
        var started = Stopwatch.GetTimestamp();
        while (!task.IsCompleted)
        {
            if (!TryAdvance())
            {
                if (Stopwatch.GetElapsedTime(started) > RealTimeBound)
                {
                    throw new TimeoutException($"The code under test did not finish within {RealTimeBound.TotalSeconds} s of real time "
                        + $"and the fake clock had nothing it could move to: {Describe()}");
                }
                // Not a sleep the test depends on: the yield that lets the code under test reach its next wait.
                await Task.WhenAny(task, Task.Delay(1));
            }
            else
            {
                await Task.Yield();
            }
        }
        return await task;
    }

    /// <summary>Waits (real time, bounded) until all remaining work is stalled and no timer is set: the code can only be cancelled now.</summary>
    public async Task UntilOnlyStalledAsync()
    {
        var started = Stopwatch.GetTimestamp();
        while (!(OnlyStalledWork() && Pending().Count == 0))
        {
            if (Stopwatch.GetElapsedTime(started) > RealTimeBound)
            {
                throw new TimeoutException("The code under test never came to rest on stalled work: " + Describe());
            }
            await Task.Delay(1);
        }
    }

    /// <summary>Moves the clock to the next due timer if that is safe now; false when it is not (or there is none).</summary>
    public bool TryAdvance()
    {
        Interlocked.Increment(ref _checks);
        var pending = Pending();
        if (pending.Count == 0)
        {
            return false;
        }
        var firstWait = pending.Where(e => e.Kind == Kind.Wait).Select(e => e.Due).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        var firstTimeout = pending.Where(e => e.Kind == Kind.Timeout).Select(e => e.Due).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        DateTimeOffset to;
        if (firstWait != DateTimeOffset.MaxValue && firstWait <= firstTimeout)
        {
            to = firstWait;
        }
        else if (firstTimeout != DateTimeOffset.MaxValue && OnlyStalledWork())
        {
            to = firstTimeout;
        }
        else
        {
            return false;
        }
        var now = GetUtcNow();
        Advance(to > now ? to - now : TimeSpan.Zero);
        Interlocked.Increment(ref _advances);
        return true;
    }

    private List<Entry> Pending()
    {
        lock (_gate)
        {
            return _timers.Where(e => e.Due != DateTimeOffset.MaxValue).ToList();
        }
    }

    private string Describe()
    {
        var now = GetUtcNow();
        var timers = Pending().Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Kind} in {(e.Due - now).TotalSeconds} s"));
        return $"timers [{string.Join(", ", timers)}], {Busy()} request(s) being answered, {Stalled} stalled.";
    }

    private void Remove(Entry entry)
    {
        lock (_gate)
        {
            _timers.Remove(entry);
        }
    }

    private enum Kind
    {
        Wait,
        Timeout,
    }

    private sealed class Entry(Kind kind, TimeSpan period)
    {
        private long _dueTicks = DateTimeOffset.MaxValue.UtcTicks;

        public Kind Kind { get; } = kind;

        public TimeSpan Period { get; set; } = period;

        public DateTimeOffset Due => new(Interlocked.Read(ref _dueTicks), TimeSpan.Zero);

        public void Set(DateTimeOffset now, TimeSpan dueTime, TimeSpan period)
        {
            Period = period;
            Interlocked.Exchange(ref _dueTicks, dueTime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue.UtcTicks : (now + dueTime).UtcTicks);
        }

        public void Fired(DateTimeOffset now) =>
            Interlocked.Exchange(ref _dueTicks, Period == Timeout.InfiniteTimeSpan || Period == TimeSpan.Zero
                ? DateTimeOffset.MaxValue.UtcTicks
                : (now + Period).UtcTicks);
    }

    private sealed class TrackedTimer(TestClock clock, ITimer inner, Entry entry) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            entry.Set(clock.GetUtcNow(), dueTime, period);
            return inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            clock.Remove(entry);
            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            clock.Remove(entry);
            return inner.DisposeAsync();
        }
    }
}
