using Microsoft.OpenApi;

namespace TeamUp.ContractReview.Rules;

internal sealed partial class SchemaComparer
{
    private void CompareComposition(SchemaView o, SchemaView n, SchemaFamily family, string path)
    {
        Branches(family, path, "one-of", "oneOf", o.Schema.OneOf, n.Schema.OneOf, walkMatched: true);
        Branches(family, path, "any-of", "anyOf", o.Schema.AnyOf, n.Schema.AnyOf, walkMatched: true);
        // allOf branches are merged into the object's properties (FlattenedProperties), so
        // walking them again here would report each property change twice. Properties moved into
        // (or out of) allOf branches that carry nothing else leave the object as it was: the same
        // properties, the same required ones, no other constraint. That is a refactoring, not a change.
        if (OnlyPropertiesMoved(o, n)) return;
        Branches(family, path, "all-of", "allOf", o.Schema.AllOf, n.Schema.AllOf, walkMatched: false);
    }

    private static bool OnlyPropertiesMoved(SchemaView o, SchemaView n)
    {
        if (!PropertiesOnly(o.Schema, 0) || !PropertiesOnly(n.Schema, 0)) return false;
        var (oldProperties, oldRequired) = o.FlattenedProperties();
        var (newProperties, newRequired) = n.FlattenedProperties();
        return oldProperties.Keys.ToHashSet().SetEquals(newProperties.Keys) && oldRequired.SetEquals(newRequired);
    }

    // An object schema (or allOf branch) that says nothing but "these properties, these required":
    // no composition besides allOf, no closed or counted property set, no enum or const.
    private static bool PropertiesOnly(IOpenApiSchema schema, int depth)
    {
        if (depth > 16) return false;
        SchemaView.RefOf(schema);
        if ((schema.Type & ~JsonSchemaType.Null) is not (null or 0 or JsonSchemaType.Object)) return false;
        if (schema.OneOf is { Count: > 0 } || schema.AnyOf is { Count: > 0 } || schema.Not is not null) return false;
        if (schema.AdditionalProperties is not null || !schema.AdditionalPropertiesAllowed) return false;
        if (schema.MinProperties is not null || schema.MaxProperties is not null || schema.Enum is { Count: > 0 } || schema.Const is not null) return false;
        return (schema.AllOf ?? []).All(branch => PropertiesOnly(branch, depth + 1));
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

    // A $ref branch is known by its component name, an inline one by its type (and, among inline
    // branches of the same type, by its order): reordering branches is not a change, whether they
    // are named (oneOf: [$ref A, $ref B]) or inline (oneOf: [string, integer]).
    private static Dictionary<string, IOpenApiSchema> Name(IList<IOpenApiSchema>? branches)
    {
        var named = new Dictionary<string, IOpenApiSchema>();
        var sameType = new Dictionary<string, int>();
        foreach (var branch in branches ?? [])
        {
            var name = SchemaView.RefOf(branch);
            if (name is null)
            {
                var type = SchemaView.Describe(branch.Type, branch.Format);
                var nth = sameType[type] = sameType.GetValueOrDefault(type) + 1;
                name = nth == 1 ? $"({type})" : $"({type} #{nth})";
            }
            named.TryAdd(name, branch);
        }
        return named;
    }
}
