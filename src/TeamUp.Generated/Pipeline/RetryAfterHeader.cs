namespace TeamUp.Generated;

/// <summary>
/// The one reader of <c>Retry-After</c>, for the retry policy, the rate-limit exception and export polling alike: seconds,
/// or an HTTP date measured against the answer's own <c>Date</c> (no skew between TeamUp's clock and ours), falling back
/// to the client's <see cref="TimeProvider"/> when the answer has no <c>Date</c>.
/// </summary>
internal static class RetryAfterHeader
{
    /// <summary>The client's clock, stamped on each request by the outermost handler so that errors read time as the client does.</summary>
    internal static readonly HttpRequestOptionsKey<TimeProvider> ClockOption = new("TeamUp.Clock");

    /// <summary>How long <paramref name="response"/> asks to wait, on the clock its request was sent with (the system clock outside a client).</summary>
    public static TimeSpan? Read(HttpResponseMessage? response) =>
        Read(response, response?.RequestMessage is { } request && request.Options.TryGetValue(ClockOption, out var clock) ? clock : TimeProvider.System);

    /// <summary>How long <paramref name="response"/> asks to wait (never negative), or null when it does not say.</summary>
    public static TimeSpan? Read(HttpResponseMessage? response, TimeProvider clock)
    {
        var header = response?.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - (response!.Headers.Date ?? clock.GetUtcNow());
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }
}
