namespace TeamUp.Sandbox;

/// <summary>One request as the sandbox saw it. The Authorization header's value is never recorded, only whether one came.</summary>
/// <param name="Origin"><c>api</c> or <c>download</c>.</param>
/// <param name="StatusCode">0 when the connection was dropped before a status was sent.</param>
/// <param name="SentAuthorization">Whether the request carried an Authorization header (a download never should).</param>
/// <param name="RequestMode">The <c>Teamup-Request-Mode</c> header as sent, or null.</param>
public sealed record SandboxRequestLogEntry(
    DateTimeOffset At, string Origin, string Method, string PathAndQuery, int StatusCode, SandboxFault Fault, string RequestId,
    bool SentAuthorization = false, string? RequestMode = null);

internal sealed class SandboxRequestLog(int capacity)
{
    private readonly Queue<SandboxRequestLogEntry> _entries = new();
    private readonly Lock _lock = new();

    public void Add(SandboxRequestLogEntry entry)
    {
        lock (_lock)
        {
            _entries.Enqueue(entry);
            while (_entries.Count > capacity) _entries.Dequeue();
        }
    }

    public IReadOnlyList<SandboxRequestLogEntry> Snapshot()
    {
        lock (_lock) return [.. _entries];
    }

    public void Clear()
    {
        lock (_lock) _entries.Clear();
    }
}
