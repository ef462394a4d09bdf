using static TeamUp.ContractReview.Review.Level;

namespace TeamUp.ContractReview.Review;

/// <summary>
/// Every change id this tool can report, with oasdiff's level. Ids oasdiff does not have
/// (it has no rule for that family) follow its naming and the level of their nearest
/// sibling; they are marked so nobody mistakes them for oasdiff's.
/// </summary>
public static class RuleCatalog
{
    public sealed record Rule(string Id, Level Level, bool FromOasdiff);

    private static readonly string[] RequestFamilies = ["request-parameter", "request-body", "request-property"];
    private static readonly string[] ResponseFamilies = ["response-body", "response-property"];

    public static IReadOnlyDictionary<string, Rule> All { get; } = Build();

    public static Level LevelOf(string id) =>
        All.TryGetValue(id, out var rule) ? rule.Level
        : throw new InvalidOperationException($"change id '{id}' is not in the rule catalog");

    private static Dictionary<string, Rule> Build()
    {
        var rules = new Dictionary<string, Rule>();
        void Oas(string id, Level level) => rules.Add(id, new Rule(id, level, true));
        void Ours(string id, Level level) => rules.TryAdd(id, new Rule(id, level, false));

        // paths and operations
        Oas("api-path-removed-without-deprecation", ERR);
        Oas("api-path-removed-with-deprecation", INFO);
        Oas("api-removed-without-deprecation", ERR);
        Oas("api-removed-with-deprecation", INFO);
        Oas("endpoint-added", INFO);
        Oas("endpoint-deprecated", INFO);
        Oas("endpoint-reactivated", INFO);
        Oas("api-operation-id-added", INFO);
        Oas("api-operation-id-removed", INFO);
        Oas("api-tag-added", INFO);
        Oas("api-tag-removed", INFO);
        Oas("api-schema-removed", INFO);

        // parameters
        Oas("new-required-request-parameter", ERR);
        Oas("new-optional-request-parameter", INFO);
        Oas("new-request-path-parameter", ERR);
        Oas("request-parameter-removed", WARN);
        Oas("request-parameter-removed-with-deprecation", INFO);
        Oas("request-parameter-became-required", ERR);
        Oas("request-parameter-became-optional", INFO);
        Oas("request-parameter-deprecated", INFO);
        Oas("request-parameter-reactivated", INFO);
        Ours("request-parameter-serialization-changed", ERR);
        Oas("request-parameter-default-value-added", ERR);
        Oas("request-parameter-default-value-changed", ERR);
        Oas("request-parameter-default-value-removed", ERR);

        // request bodies
        Oas("request-body-added-required", ERR);
        Oas("request-body-added-optional", INFO);
        Oas("request-body-removed", ERR);
        Oas("request-body-became-required", ERR);
        Oas("request-body-became-optional", INFO);
        Oas("request-body-media-type-added", INFO);
        Oas("request-body-media-type-removed", ERR);
        Oas("request-body-default-value-added", INFO);
        Oas("request-body-default-value-changed", INFO);
        Oas("request-body-default-value-removed", INFO);
        Oas("request-property-default-value-added", INFO);
        Oas("request-property-default-value-changed", INFO);
        Oas("request-property-default-value-removed", INFO);
        Oas("new-required-request-property", ERR);
        Oas("new-optional-request-property", INFO);
        Oas("request-property-removed", WARN);
        Oas("request-property-became-required", ERR);
        Oas("request-property-became-optional", INFO);
        Oas("request-property-deprecated", INFO);
        Oas("request-property-reactivated", INFO);

        // responses
        Oas("response-success-status-removed", ERR);
        Oas("response-success-status-added", INFO);
        Oas("response-non-success-status-removed", INFO);
        Oas("response-non-success-status-added", INFO);
        Oas("response-media-type-removed", ERR);
        Oas("response-media-type-added", INFO);
        Oas("response-required-property-removed", ERR);
        Oas("response-optional-property-removed", WARN);
        Oas("response-required-property-added", INFO);
        Oas("response-optional-property-added", INFO);
        Oas("response-property-became-optional", ERR);
        Oas("response-property-became-required", INFO);
        Oas("response-property-deprecated", INFO);
        Oas("response-property-reactivated", INFO);
        Oas("response-property-enum-value-added", WARN);
        Oas("response-property-enum-value-removed", INFO);
        Ours("response-body-enum-value-added", WARN);
        Ours("response-body-enum-value-removed", INFO);
        Oas("response-body-default-value-added", INFO);
        Oas("response-body-default-value-changed", INFO);
        Oas("response-body-default-value-removed", INFO);
        Oas("response-property-default-value-added", INFO);
        Oas("response-property-default-value-changed", INFO);
        Oas("response-property-default-value-removed", INFO);
        Oas("required-response-header-removed", ERR);
        Oas("optional-response-header-removed", WARN);
        Oas("response-header-added", INFO);

        // security
        Oas("api-security-added", INFO);
        Oas("api-security-removed", INFO);
        Oas("api-security-scope-added", INFO);
        Oas("api-security-scope-removed", INFO);
        Oas("api-global-security-added", INFO);
        Oas("api-global-security-removed", INFO);
        Oas("api-global-security-scope-added", INFO);
        Oas("api-global-security-scope-removed", INFO);
        Oas("api-security-component-added", INFO);
        Oas("api-security-component-removed", INFO);
        Oas("api-security-component-type-changed", INFO);

        // schemas, request direction: the client sends it, so narrowing breaks
        Oas("request-parameter-type-changed", ERR);
        Oas("request-body-type-changed", ERR);
        Oas("request-property-type-changed", ERR);
        Oas("request-parameter-type-generalized", INFO);
        Oas("request-body-type-generalized", INFO);
        Oas("request-property-type-generalized", INFO);
        foreach (var f in RequestFamilies)
        {
            Oas($"{f}-list-of-types-widened", INFO); Oas($"{f}-list-of-types-narrowed", ERR);
        }
        Oas("request-parameter-became-nullable", INFO);
        Oas("request-body-became-nullable", INFO);
        Oas("request-property-became-nullable", INFO);
        Oas("request-parameter-became-not-nullable", ERR);
        Oas("request-body-became-not-nullable", ERR);
        Oas("request-property-became-not-nullable", ERR);
        Oas("request-parameter-enum-value-added", INFO);
        Oas("request-property-enum-value-added", INFO);
        Ours("request-body-enum-value-added", INFO);
        Oas("request-parameter-enum-value-removed", ERR);
        Oas("request-body-enum-value-removed", ERR);
        Oas("request-property-enum-value-removed", ERR);
        Oas("request-parameter-became-enum", ERR);
        Oas("request-body-became-enum", ERR);
        Oas("request-property-became-enum", ERR);
        foreach (var f in RequestFamilies)
        {
            Oas($"{f}-max-decreased", ERR); Oas($"{f}-max-increased", INFO); Oas($"{f}-max-set", WARN);
            Oas($"{f}-min-increased", ERR); Oas($"{f}-min-decreased", INFO); Oas($"{f}-min-set", WARN);
            Oas($"{f}-max-length-decreased", ERR); Oas($"{f}-max-length-increased", INFO); Oas($"{f}-max-length-set", WARN);
            Oas($"{f}-min-length-increased", ERR); Oas($"{f}-min-length-decreased", INFO);
            Oas($"{f}-min-items-increased", ERR); Oas($"{f}-min-items-set", WARN);
            Oas($"{f}-exclusive-max-decreased", ERR); Oas($"{f}-exclusive-max-increased", INFO); Oas($"{f}-exclusive-max-set", WARN);
            Oas($"{f}-exclusive-min-increased", ERR); Oas($"{f}-exclusive-min-decreased", INFO); Oas($"{f}-exclusive-min-set", WARN);
        }
        Oas("request-parameter-max-items-decreased", ERR);
        Oas("request-parameter-max-items-increased", INFO);
        Oas("request-parameter-min-items-decreased", INFO);
        foreach (var f in RequestFamilies)
        {
            Ours($"{f}-max-items-decreased", ERR); Ours($"{f}-max-items-increased", INFO); Ours($"{f}-min-items-decreased", INFO);
        }
        Oas("request-parameter-pattern-added", ERR); Oas("request-parameter-pattern-changed", WARN); Oas("request-parameter-pattern-removed", INFO);
        Oas("request-property-pattern-added", ERR); Oas("request-property-pattern-changed", WARN); Oas("request-property-pattern-removed", INFO);
        Ours("request-body-pattern-added", ERR); Ours("request-body-pattern-changed", WARN); Ours("request-body-pattern-removed", INFO);
        foreach (var f in new[] { "request-body", "request-property" })
        {
            Oas($"{f}-one-of-added", INFO); Oas($"{f}-one-of-removed", ERR);
            Oas($"{f}-any-of-added", INFO); Oas($"{f}-any-of-removed", ERR);
            Oas($"{f}-all-of-added", ERR); Oas($"{f}-all-of-removed", WARN);
        }
        Ours("request-parameter-one-of-added", INFO); Ours("request-parameter-one-of-removed", ERR);
        Ours("request-parameter-any-of-added", INFO); Ours("request-parameter-any-of-removed", ERR);
        Ours("request-parameter-all-of-added", ERR); Ours("request-parameter-all-of-removed", WARN);

        // schemas, response direction: the client reads it, so widening breaks
        Oas("response-body-type-changed", ERR);
        Oas("response-property-type-changed", ERR);
        Oas("response-body-type-generalized", ERR);
        Oas("response-property-type-generalized", ERR);
        Oas("response-body-type-specialized", INFO);
        Oas("response-property-type-specialized", INFO);
        foreach (var f in ResponseFamilies)
        {
            Oas($"{f}-list-of-types-widened", ERR); Oas($"{f}-list-of-types-narrowed", INFO);
        }
        Oas("response-body-became-nullable", ERR);
        Oas("response-property-became-nullable", ERR);
        Oas("response-body-became-not-nullable", INFO);
        Oas("response-property-became-not-nullable", INFO);
        foreach (var f in ResponseFamilies)
        {
            Oas($"{f}-max-increased", ERR); Oas($"{f}-min-decreased", ERR);
            Oas($"{f}-exclusive-max-increased", ERR); Oas($"{f}-exclusive-min-decreased", ERR);
            Oas($"{f}-max-length-increased", ERR); Oas($"{f}-max-length-unset", ERR);
            Oas($"{f}-min-length-decreased", ERR);
            Oas($"{f}-min-items-decreased", ERR); Oas($"{f}-min-items-unset", ERR);
            Oas($"{f}-one-of-added", ERR); Oas($"{f}-one-of-removed", INFO);
            Oas($"{f}-any-of-added", INFO); Oas($"{f}-any-of-removed", INFO);
            Oas($"{f}-all-of-added", INFO); Oas($"{f}-all-of-removed", INFO);
        }
        Oas("response-property-pattern-added", INFO); Oas("response-property-pattern-changed", INFO); Oas("response-property-pattern-removed", INFO);
        Ours("response-body-pattern-added", INFO); Ours("response-body-pattern-changed", INFO); Ours("response-body-pattern-removed", INFO);

        // const (OpenAPI 3.1): oasdiff has no rule. A request property pinned to a value refuses others; a response
        // property whose one value is lifted or changed sends values a client may have relied on never seeing.
        Ours("request-property-const-added", ERR); Ours("request-property-const-changed", ERR); Ours("request-property-const-removed", INFO);
        Ours("response-property-const-added", INFO); Ours("response-property-const-changed", ERR); Ours("response-property-const-removed", WARN);

        // webhooks (OpenAPI 3.1): calls TeamUp makes to the integrator, not calls the client makes; a removed one is
        // events the integrator stops receiving.
        Ours("webhook-added", INFO);
        Ours("webhook-removed", WARN);

        // additionalProperties: oasdiff has no rule; NSwag maps it to the DTO's AdditionalProperties bag
        foreach (var f in RequestFamilies)
        {
            Ours($"{f}-additional-properties-restricted", ERR);
            Ours($"{f}-additional-properties-allowed", INFO);
        }
        foreach (var f in ResponseFamilies)
        {
            Ours($"{f}-additional-properties-allowed", WARN);
            Ours($"{f}-additional-properties-restricted", INFO);
        }
        return rules;
    }
}
