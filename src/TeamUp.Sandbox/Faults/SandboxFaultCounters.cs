namespace TeamUp.Sandbox;

/// <summary>How many faults the sandbox has injected so far; live, thread-safe.</summary>
public sealed class SandboxFaultCounters
{
    private int _rateLimited, _serverErrors, _dropped, _truncated, _slow, _delayed;

    public int RateLimited => Volatile.Read(ref _rateLimited);
    public int ServerErrors => Volatile.Read(ref _serverErrors);
    public int DroppedConnections => Volatile.Read(ref _dropped);
    public int TruncatedBodies => Volatile.Read(ref _truncated);
    public int SlowBodies => Volatile.Read(ref _slow);

    /// <summary>Requests that got <see cref="SandboxFaultOptions.Latency"/> added (not counted in <see cref="Total"/>).</summary>
    public int Delayed => Volatile.Read(ref _delayed);

    /// <summary>Requests that got a fault (latency aside).</summary>
    public int Total => RateLimited + ServerErrors + DroppedConnections + TruncatedBodies + SlowBodies;

    internal void Count(SandboxFault fault)
    {
        switch (fault)
        {
            case SandboxFault.RateLimited: Interlocked.Increment(ref _rateLimited); break;
            case SandboxFault.ServerError: Interlocked.Increment(ref _serverErrors); break;
            case SandboxFault.DroppedConnection: Interlocked.Increment(ref _dropped); break;
            case SandboxFault.TruncatedBody: Interlocked.Increment(ref _truncated); break;
            case SandboxFault.SlowBody: Interlocked.Increment(ref _slow); break;
        }
    }

    internal void CountDelay() => Interlocked.Increment(ref _delayed);

    public override string ToString() =>
        $"429={RateLimited} 5xx={ServerErrors} dropped={DroppedConnections} truncated={TruncatedBodies} slow={SlowBodies} delayed={Delayed}";
}

/// <summary>The fault a request got, as recorded in the request log.</summary>
public enum SandboxFault
{
    None,
    RateLimited,
    ServerError,
    DroppedConnection,
    TruncatedBody,
    SlowBody,
}
