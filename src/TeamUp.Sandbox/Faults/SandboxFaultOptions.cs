namespace TeamUp.Sandbox;

/// <summary>
/// Faults injected into API responses. Each eligible request draws once from a RNG seeded by <see cref="Seed"/>
/// (separate from the dataset seed) and gets at most one fault; the rates are probabilities that must add up to at most 1.
/// </summary>
public sealed class SandboxFaultOptions
{
    public int Seed { get; set; } = 1;

    /// <summary>Added before every API response, faulted or not.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Share of requests answered 429 with <c>Retry-After</c>.</summary>
    public double RateLimitRate { get; set; }

    /// <summary>The <c>Retry-After</c> value (seconds) sent with a 429.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Share of requests answered with one of <see cref="ServerErrorStatusCodes"/>.</summary>
    public double ServerErrorRate { get; set; }

    public IReadOnlyList<int> ServerErrorStatusCodes { get; set; } = [500, 502, 503];

    /// <summary>Share of requests whose connection is aborted before any response byte.</summary>
    public double DropConnectionRate { get; set; }

    /// <summary>Share of requests that get a 200 declaring the full Content-Length, half the body, then a closed connection.</summary>
    public double TruncatedBodyRate { get; set; }

    /// <summary>Share of requests whose (complete, correct) body is written in <see cref="SlowBodyChunks"/> chunks with delays.</summary>
    public double SlowBodyRate { get; set; }

    public int SlowBodyChunks { get; set; } = 8;

    public TimeSpan SlowBodyChunkDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Faults hit GET requests only unless this is set; POSTs (export creation) are not safely retryable.</summary>
    public bool IncludePost { get; set; }

    /// <summary>Also inject faults (not latency) on the download origin.</summary>
    public bool IncludeDownloads { get; set; }

    /// <summary>Inject faults on the download origin only, sparing the API: an export starts and finishes, then its download is troubled.</summary>
    public bool OnlyDownloads { get; set; }

    internal double TotalRate => RateLimitRate + ServerErrorRate + DropConnectionRate + TruncatedBodyRate + SlowBodyRate;

    internal void Validate()
    {
        double[] rates = [RateLimitRate, ServerErrorRate, DropConnectionRate, TruncatedBodyRate, SlowBodyRate];
        if (rates.Any(r => r is < 0 or > 1 || double.IsNaN(r))) throw new ArgumentOutOfRangeException(nameof(RateLimitRate), "Fault rates are probabilities between 0 and 1.");
        if (TotalRate > 1.0000001) throw new ArgumentException("Fault rates add up to more than 1.");
        if (ServerErrorRate > 0 && (ServerErrorStatusCodes.Count == 0 || ServerErrorStatusCodes.Any(c => c is < 500 or > 599)))
            throw new ArgumentException("ServerErrorStatusCodes must be 5xx codes.");
        if (SlowBodyChunks < 1) throw new ArgumentOutOfRangeException(nameof(SlowBodyChunks));
        if (Latency < TimeSpan.Zero || SlowBodyChunkDelay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Latency));
    }
}
