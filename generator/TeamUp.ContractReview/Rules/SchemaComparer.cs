using Microsoft.OpenApi;

namespace TeamUp.ContractReview.Rules;

/// <summary>
/// Walks an OLD and a NEW schema side by side, following $ref, items, properties,
/// additionalProperties and oneOf/anyOf/allOf. The checks live in the other partial files,
/// one per area (types, enums, constraints, composition, properties).
/// </summary>
internal sealed partial class SchemaComparer(ChangeLog log, string operation, string root)
{
    // $ref pairs being walked right now: a recursive schema (a tree of categories, say)
    // would otherwise be walked forever.
    private readonly HashSet<(string?, string?)> _inProgress = [];

    // The component schemas entered on the way down, so a change is named after the component
    // it happens in ("Money.decimal"), the same wherever that component is used.
    private readonly Stack<(string Name, string Path)> _components = new();

    public void Compare(IOpenApiSchema? oldSchema, IOpenApiSchema? newSchema, SchemaFamily family, string path = "")
    {
        var (o, n) = (SchemaView.Of(oldSchema), SchemaView.Of(newSchema));
        if (o is null || n is null) return;
        var refPair = (o.RefName, n.RefName);
        if (refPair is not (null, null) && !_inProgress.Add(refPair)) return;
        var component = n.RefName ?? o.RefName;
        if (component is not null) _components.Push((component, path));
        try
        {
            CompareType(o, n, family, path);
            CompareNullable(o, n, family, path);
            CompareEnum(o, n, family, path);
            CompareDefault(o, n, family, path);
            CompareConstraints(o, n, family, path);
            ComparePattern(o, n, family, path);
            CompareConst(o, n, family, path);
            CompareComposition(o, n, family, path);
            CompareProperties(o, n, family, path);
            CompareAdditionalProperties(o, n, family, path);
            if (o.Schema.Items is not null && n.Schema.Items is not null)
                Compare(o.Schema.Items, n.Schema.Items, family.Nested, Join(path, "items"));
        }
        finally
        {
            if (refPair is not (null, null)) _inProgress.Remove(refPair);
            if (component is not null) _components.Pop();
        }
    }

    private void Report(string id, string path, string message) =>
        log.Add(id, operation, path.Length == 0 ? root : $"{root} {path}", message);

    private static string Join(string path, string part) => path.Length == 0 ? part : $"{path}/{part}";

    private string Subject(string path)
    {
        if (!_components.TryPeek(out var top))
            return path.Length == 0 ? "the value" : $"'{path}'";
        var relative = path[top.Path.Length..].TrimStart('/');
        return relative.Length == 0 ? $"'{top.Name}'" : $"'{top.Name}.{relative.Replace('/', '.')}'";
    }
}
