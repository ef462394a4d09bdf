namespace TeamUp.ContractReview.Review;

/// <summary>
/// What TeamUp.Generated tolerates, and so where its levels differ from oasdiff's, which
/// assumes a client that may choke on anything new. Each adjustment carries its reason,
/// shown next to the change.
/// </summary>
public static class ClientProfile
{
    private const string TolerantEnums =
        "TeamUp.Generated keeps enum values it does not know (readable, and written back unchanged) instead of failing";
    private const string KeepsUnknownFields =
        "TeamUp.Generated keeps fields it does not know in AdditionalProperties";
    private const string NoResponseValidation =
        "TeamUp.Generated does not validate response values against min/max/length/item limits";
    private const string OperationIdNamesMethods =
        "the operationId names the generated client and method (MultipleClientsFromOperationId), so the C# method is renamed";

    private const string NamedArgumentsBreak =
        "TeamUp.Generated turns it into a C# parameter or property: every caller that set it no longer compiles";

    private static readonly Dictionary<string, (Level Level, string Reason)> Adjustments = Build();

    public static Change Apply(Change change) =>
        Adjustments.TryGetValue(change.Id, out var adjustment) && adjustment.Level != change.Level
            ? change with
            {
                Level = adjustment.Level,
                UsualLevel = change.Level,
                OasdiffLevel = RuleCatalog.All[change.Id].FromOasdiff ? change.Level : null,
                ClientNote = adjustment.Reason,
            }
            : change;

    public static IReadOnlyDictionary<string, (Level Level, string Reason)> All => Adjustments;

    private static Dictionary<string, (Level, string)> Build()
    {
        var adjustments = new Dictionary<string, (Level, string)>
        {
            ["response-property-enum-value-added"] = (Level.INFO, TolerantEnums),
            ["response-body-enum-value-added"] = (Level.INFO, TolerantEnums),
            ["response-body-additional-properties-allowed"] = (Level.INFO, KeepsUnknownFields),
            ["response-property-additional-properties-allowed"] = (Level.INFO, KeepsUnknownFields),
            ["api-operation-id-added"] = (Level.WARN, OperationIdNamesMethods),
            ["api-operation-id-removed"] = (Level.WARN, OperationIdNamesMethods),
            ["request-parameter-removed"] = (Level.ERR, NamedArgumentsBreak),
            ["request-property-removed"] = (Level.ERR, NamedArgumentsBreak),
        };
        foreach (var family in new[] { "response-body", "response-property" })
            foreach (var rule in new[] { "max-increased", "min-decreased", "exclusive-max-increased", "exclusive-min-decreased", "max-length-increased", "max-length-unset",
                         "min-length-decreased", "min-items-decreased", "min-items-unset" })
                adjustments[$"{family}-{rule}"] = (Level.INFO, NoResponseValidation);
        return adjustments;
    }
}
