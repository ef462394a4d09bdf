namespace TeamUp.ContractReview.Rules;

internal sealed partial class SchemaComparer
{
    private void CompareEnum(SchemaView o, SchemaView n, SchemaFamily family, string path)
    {
        var oldValues = (o.Schema.Enum ?? []).Select(SchemaView.Show).ToList();
        var newValues = (n.Schema.Enum ?? []).Select(SchemaView.Show).ToList();
        if (oldValues.Count == 0 && newValues.Count == 0) return;

        if (oldValues.Count == 0)
        {
            // Reading a value that is now restricted is fine; sending one may not be.
            if (family.IsRequest)
                Report(family.Id("became-enum"), path, $"{Subject(path)} is now restricted to [{string.Join(", ", newValues)}]");
            return;
        }
        if (newValues.Count == 0) return; // any value accepted now: nothing a client did stops working

        foreach (var removed in oldValues.Except(newValues))
            Report(family.Id("enum-value-removed"), path, $"enum value '{removed}' removed from {Subject(path)}");
        foreach (var added in newValues.Except(oldValues))
            Report(family.Id("enum-value-added"), path, $"enum value '{added}' added to {Subject(path)}");
    }
}
