namespace TeamUp.ContractReview.Tests;

/// <summary>
/// The tests that run NSwag and Roslyn end to end take one at a time: in parallel they load both cores enough
/// to slow every other test assembly of the run, and each other past their time limits.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CSharpStepCollection
{
    public const string Name = "NSwag and Roslyn, one at a time";
}
