namespace TeamUp.ContractReview.Review;

/// <summary>oasdiff's levels, in order of severity, so "at or above --fail-on" is a comparison.</summary>
public enum Level { INFO = 1, WARN = 2, ERR = 3 }

/// <summary>
/// One difference between OLD and NEW. <see cref="Level"/> is the level for this SDK;
/// when it differs from oasdiff's, <see cref="OasdiffLevel"/> and <see cref="ClientNote"/> say why.
/// </summary>
public sealed record Change(string Id, Level Level, string Operation, string Location, string Message)
{
    public Level? OasdiffLevel { get; init; }
    public string? ClientNote { get; init; }

    public bool IsBreaking => Level == Level.ERR;
}
