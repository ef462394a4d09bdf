using Microsoft.OpenApi;

namespace TeamUp.ContractReview.Rules;

internal sealed partial class SchemaComparer
{
    private void CompareType(SchemaView o, SchemaView n, SchemaFamily family, string path)
    {
        var (oldType, newType) = (o.Type, n.Type);
        var (oldFormat, newFormat) = (o.Schema.Format, n.Schema.Format);
        if (oldType is null || newType is null) return;
        // With oneOf/anyOf the branches say what a value may be; they are compared branch by branch.
        if (HasBranches(o) || HasBranches(n)) return;
        if (oldType == newType && oldFormat == newFormat) return;

        var message = $"type of {Subject(path)} changed from {SchemaView.Describe(oldType, oldFormat)} to {SchemaView.Describe(newType, newFormat)}";
        // Several types at once (3.1 type lists; the reader also folds oneOf of bare types into one).
        if (oldFormat == newFormat && (IsList(oldType.Value) || IsList(newType.Value)))
        {
            var (o2, n2) = (oldType.Value, newType.Value);
            if ((o2 & n2) == o2) { Report(family.Id("list-of-types-widened"), path, message); return; }
            if ((o2 & n2) == n2) { Report(family.Id("list-of-types-narrowed"), path, message); return; }
        }
        // integer → number accepts everything it did: fine to send, not fine to read.
        var widened = oldType == JsonSchemaType.Integer && newType == JsonSchemaType.Number && newFormat is null;
        var narrowed = oldType == JsonSchemaType.Number && newType == JsonSchemaType.Integer && oldFormat is null;
        if (widened)
            Report(family.Id("type-generalized"), path, message);
        else if (narrowed && !family.IsRequest)
            Report(family.Id("type-specialized"), path, message);
        else
            Report(family.Id("type-changed"), path, message);
    }

    private static bool IsList(JsonSchemaType type) => (type & (type - 1)) != 0;

    private static bool HasBranches(SchemaView v) => v.Schema.OneOf is { Count: > 0 } || v.Schema.AnyOf is { Count: > 0 };

    private void CompareNullable(SchemaView o, SchemaView n, SchemaFamily family, string path)
    {
        if (o.Nullable == n.Nullable) return;
        Report(family.Id(n.Nullable ? "became-nullable" : "became-not-nullable"), path,
            $"{Subject(path)} became {(n.Nullable ? "nullable" : "not nullable")}");
    }

    private void CompareDefault(SchemaView o, SchemaView n, SchemaFamily family, string path)
    {
        var (oldDefault, newDefault) = (o.Schema.Default, n.Schema.Default);
        if (oldDefault is null && newDefault is null) return;
        if (oldDefault is null)
            Report(family.Id("default-value-added"), path, $"default of {Subject(path)} set to {SchemaView.Show(newDefault)}");
        else if (newDefault is null)
            Report(family.Id("default-value-removed"), path, $"default {SchemaView.Show(oldDefault)} of {Subject(path)} removed");
        else if (oldDefault.ToJsonString() != newDefault.ToJsonString())
            Report(family.Id("default-value-changed"), path,
                $"default of {Subject(path)} changed from {SchemaView.Show(oldDefault)} to {SchemaView.Show(newDefault)}");
    }
}
