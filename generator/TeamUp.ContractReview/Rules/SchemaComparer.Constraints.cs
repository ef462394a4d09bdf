using TeamUp.ContractReview.Review;

namespace TeamUp.ContractReview.Rules;

internal sealed partial class SchemaComparer
{
    // A request limit that tightens rejects calls that used to work; a response limit that
    // loosens sends values a validating client never expected.
    private void CompareConstraints(SchemaView o, SchemaView n, SchemaFamily family, string path)
    {
        Limit(family, path, "max", "maximum", SchemaView.Number(o.Schema.Maximum), SchemaView.Number(n.Schema.Maximum), upper: true);
        Limit(family, path, "min", "minimum", SchemaView.Number(o.Schema.Minimum), SchemaView.Number(n.Schema.Minimum), upper: false);
        Limit(family, path, "exclusive-max", "exclusiveMaximum", SchemaView.Number(o.Schema.ExclusiveMaximum), SchemaView.Number(n.Schema.ExclusiveMaximum), upper: true);
        Limit(family, path, "exclusive-min", "exclusiveMinimum", SchemaView.Number(o.Schema.ExclusiveMinimum), SchemaView.Number(n.Schema.ExclusiveMinimum), upper: false);
        Limit(family, path, "max-length", "maxLength", o.Schema.MaxLength, n.Schema.MaxLength, upper: true);
        Limit(family, path, "min-length", "minLength", o.Schema.MinLength, n.Schema.MinLength, upper: false);
        Limit(family, path, "max-items", "maxItems", o.Schema.MaxItems, n.Schema.MaxItems, upper: true);
        Limit(family, path, "min-items", "minItems", o.Schema.MinItems, n.Schema.MinItems, upper: false);
    }

    private void Limit(SchemaFamily family, string path, string rule, string keyword, decimal? oldLimit, decimal? newLimit, bool upper)
    {
        if (oldLimit == newLimit) return;
        var message = $"{keyword} of {Subject(path)} {Show(oldLimit)} → {Show(newLimit)}";
        var tighter = newLimit is not null && (oldLimit is null || (upper ? newLimit < oldLimit : newLimit > oldLimit));
        if (family.IsRequest)
        {
            var id = tighter
                ? oldLimit is null && RuleCatalog.All.ContainsKey(family.Id($"{rule}-set")) ? $"{rule}-set"
                    : upper ? $"{rule}-decreased" : $"{rule}-increased"
                : upper ? $"{rule}-increased" : $"{rule}-decreased";
            Report(family.Id(id), path, message);
        }
        else if (!tighter)
        {
            var id = newLimit is null && RuleCatalog.All.ContainsKey(family.Id($"{rule}-unset")) ? $"{rule}-unset"
                : upper ? $"{rule}-increased" : $"{rule}-decreased";
            if (RuleCatalog.All.ContainsKey(family.Id(id)))
                Report(family.Id(id), path, message);
        }
    }

    private static string Show(decimal? limit) => limit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";

    // const pins a value: set or changed in a request, calls that sent anything else are refused; in a response, a client
    // that relied on the one value gets others once it is lifted or changed. Rules only for properties (oasdiff has none).
    private void CompareConst(SchemaView o, SchemaView n, SchemaFamily family, string path)
    {
        var (oldConst, newConst) = (o.Schema.Const, n.Schema.Const);
        if (oldConst == newConst) return;
        var id = oldConst is null ? "const-added" : newConst is null ? "const-removed" : "const-changed";
        if (RuleCatalog.All.ContainsKey(family.Id(id)))
            Report(family.Id(id), path, $"const of {Subject(path)} {oldConst ?? "none"} → {newConst ?? "none"}");
    }

    private void ComparePattern(SchemaView o, SchemaView n, SchemaFamily family, string path)
    {
        var (oldPattern, newPattern) = (o.Schema.Pattern, n.Schema.Pattern);
        if (oldPattern == newPattern) return;
        var id = oldPattern is null ? "pattern-added" : newPattern is null ? "pattern-removed" : "pattern-changed";
        Report(family.Id(id), path, $"pattern of {Subject(path)} {oldPattern ?? "none"} → {newPattern ?? "none"}");
    }
}
