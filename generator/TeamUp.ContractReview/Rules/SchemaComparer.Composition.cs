using Microsoft.OpenApi;

namespace TeamUp.ContractReview.Rules;

internal sealed partial class SchemaComparer
{
    private void CompareComposition(SchemaView o, SchemaView n, SchemaFamily family, string path)
    {
        Branches(family, path, "one-of", "oneOf", o.Schema.OneOf, n.Schema.OneOf, walkMatched: true);
        Branches(family, path, "any-of", "anyOf", o.Schema.AnyOf, n.Schema.AnyOf, walkMatched: true);
        // allOf branches are merged into the object's properties (FlattenedProperties), so
        // walking them again here would report each property change twice.
        Branches(family, path, "all-of", "allOf", o.Schema.AllOf, n.Schema.AllOf, walkMatched: false);
    }

    private void Branches(SchemaFamily family, string path, string rule, string keyword,
        IList<IOpenApiSchema>? oldBranches, IList<IOpenApiSchema>? newBranches, bool walkMatched)
    {
        var oldByName = Name(oldBranches);
        var newByName = Name(newBranches);
        if (oldByName.Count == 0 && newByName.Count == 0) return;
        foreach (var name in oldByName.Keys.Except(newByName.Keys))
            Report(family.Id($"{rule}-removed"), path, $"{keyword} branch {name} removed from {Subject(path)}");
        foreach (var name in newByName.Keys.Except(oldByName.Keys))
            Report(family.Id($"{rule}-added"), path, $"{keyword} branch {name} added to {Subject(path)}");
        if (!walkMatched) return;
        foreach (var name in oldByName.Keys.Intersect(newByName.Keys))
            Compare(oldByName[name], newByName[name], family, Join(path, $"{keyword}[{name}]"));
    }

    // A $ref branch is known by its component name, an inline one by its type and position,
    // so reordering named branches is not a change.
    private static Dictionary<string, IOpenApiSchema> Name(IList<IOpenApiSchema>? branches)
    {
        var named = new Dictionary<string, IOpenApiSchema>();
        for (var i = 0; i < (branches?.Count ?? 0); i++)
        {
            var branch = branches![i];
            var name = SchemaView.RefOf(branch) ?? $"#{i} ({SchemaView.Describe(branch.Type, branch.Format)})";
            named.TryAdd(name, branch);
        }
        return named;
    }
}
