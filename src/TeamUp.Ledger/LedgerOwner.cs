using System.Diagnostics;
using System.Globalization;

namespace TeamUp.Ledger;

/// <summary>
/// Names the holder of a claim or discovery: <c>host/pid/start</c>. A store cannot tell whether a holder is alive;
/// on the holder's own machine we can, so a rerun after a crash takes over a dead process's claims at once instead
/// of waiting for their leases to expire (<see cref="IsDeadLocalProcess"/>).
/// </summary>
public static class LedgerOwner
{
    private static readonly Lazy<string> CurrentOwner = new(() => For(Environment.MachineName, Environment.ProcessId, ProcessStart(Environment.ProcessId) ?? 0));

    /// <summary>This process, optionally with a suffix naming a worker inside it.</summary>
    public static string Current(string? worker = null) => worker is null ? CurrentOwner.Value : $"{CurrentOwner.Value}/{worker}";

    internal static string For(string host, int pid, long startTicks) =>
        string.Create(CultureInfo.InvariantCulture, $"{host}/{pid}/{startTicks}");

    /// <summary>
    /// True only when <paramref name="owner"/> names a process on this machine that no longer runs (its pid is gone,
    /// or reused by a process that started at another time). Anything else, including another machine's owner, is
    /// not known dead and waits for its lease.
    /// </summary>
    public static bool IsDeadLocalProcess(string owner)
    {
        var parts = owner.Split('/');
        if (parts.Length < 3 || !string.Equals(parts[0], Environment.MachineName, StringComparison.Ordinal)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return false;
        }
        var now = ProcessStart(pid);
        // Linux derives a start time from boot time and uptime, both read anew by each process: two readings of one
        // live process's start differ by a few milliseconds. A reused pid started at another time is far apart.
        return now is null || Math.Abs(now.Value - start) > 1000;
    }

    private static long? ProcessStart(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime.ToUniversalTime().Ticks / TimeSpan.TicksPerMillisecond;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }
}
