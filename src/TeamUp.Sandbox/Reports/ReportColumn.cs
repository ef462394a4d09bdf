using System.Text.Json.Nodes;

namespace TeamUp.Sandbox;

/// <summary>
/// A column a report accepts. <see cref="Key"/> is the dot-notation key used in rows and headers; <see cref="Aliases"/>
/// are the other names the docs list for the same data (<c>customer_id</c>, <c>customer</c> for <c>customer.id</c>).
/// </summary>
internal sealed record ReportColumn(string Key, string Label, Func<ReportRow, JsonNode?> Value)
{
    public string[] Aliases { get; init; } = [];
    public bool Sortable { get; init; } = true;
    public bool HoldsCustomerId { get; init; }
    public bool Required { get; init; }

    /// <summary>Aggregate over a group's rows (grouped reports); null for plain columns.</summary>
    public Func<IReadOnlyList<ReportRow>, ReportRow, JsonNode?>? Aggregate { get; init; }

    public IEnumerable<string> Names => Aliases.Prepend(Key);
}
