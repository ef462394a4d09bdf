using Microsoft.OpenApi;

namespace TeamUp.ContractReview.Rules;

internal sealed partial class SchemaComparer
{
    private void CompareType(SchemaView o, SchemaView n, SchemaFamily family, string path)
    {
        var (oldType, newType) = (o.Type, n.Type);
        var (oldFormat, newFormat) = (o.Schema.Format, n.Schema.Format);
        if (oldType is null || newType is null) return;
        if (oldType == newType && oldFormat == newFormat) return;

        var message = $"type of {Subject(path)} changed from {SchemaView.Describe(oldType, oldFormat)} to {SchemaView.Describe(newType, newFormat)}";
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
