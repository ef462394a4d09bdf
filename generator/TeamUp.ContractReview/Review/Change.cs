namespace TeamUp.ContractReview.Review;

/// <summary>oasdiff's levels, in order of severity, so "at or above --fail-on" is a comparison.</summary>
public enum Level { INFO = 1, WARN = 2, ERR = 3 }

/// <summary>
/// One difference between OLD and NEW. <see cref="Level"/> is the level for this SDK;
/// when it differs from the usual one, <see cref="UsualLevel"/> and <see cref="ClientNote"/> say why.
/// </summary>
public sealed record Change(string Id, Level Level, string Operation, string Location, string Message)
{
    /// <summary>The level for a client that chokes on anything new; set only when this client's differs.</summary>
    public Level? UsualLevel { get; init; }

    /// <summary><see cref="UsualLevel"/> when it is oasdiff's (the rule is one of oasdiff's).</summary>
    public Level? OasdiffLevel { get; init; }

    public string? ClientNote { get; init; }

    /// <summary>"oasdiff: WARN; reason" for the reports.</summary>
    public string? LevelNote => ClientNote is null ? null
        : OasdiffLevel is { } oasdiff ? $"oasdiff: {oasdiff}; for this client: {ClientNote}"
        : $"usually {UsualLevel}; for this client: {ClientNote}";

    public bool IsBreaking => Level == Level.ERR;
}
