using System.Text.Json.Nodes;

namespace TeamUp.Sandbox;

/// <summary>A validated report request (columns, filters, sort, format) and its evaluation.</summary>
internal sealed class ReportQuery
{
    private ReportQuery(ReportDefinition report, List<ReportColumn> columns, List<(ReportColumn Column, bool Descending)> sort,
        Func<ReportRow, bool> filter, string format)
    {
        Report = report;
        Columns = columns;
        Sort = sort;
        Filter = filter;
        Format = format;
    }

    public ReportDefinition Report { get; }
    public List<ReportColumn> Columns { get; }
    public List<(ReportColumn Column, bool Descending)> Sort { get; }
    public Func<ReportRow, bool> Filter { get; }
    public string Format { get; }

    public static ReportQuery Parse(ReportDefinition report, ParamBag p, DateOnly today)
    {
        var format = p.Get("format") ?? "csv";
        if (format is not ("csv" or "json")) throw ApiError.Invalid("format", $"\"{format}\" is not a valid choice; use csv or json.");

        var requested = p.GetList("columns");
        if (requested is null || requested.Count == 0)
        {
            if (report.ColumnsRequired)
                throw ApiError.Invalid("columns", $"This field is required for the {report.Name} report; choose from {string.Join(", ", report.Columns.Select(c => c.Key))}.");
            requested = [.. report.DefaultColumns];
        }

        var columns = new List<ReportColumn>();
        foreach (var name in requested)
        {
            var column = report.Find(name)
                ?? throw ApiError.Invalid("columns", $"\"{name}\" is not a valid column of the {report.Name} report; choose from {string.Join(", ", report.Columns.SelectMany(c => c.Names))}.");
            if (!columns.Contains(column)) columns.Add(column);
        }

        // Required columns are always in the answer, first, whether asked for or not.
        foreach (var required in report.Columns.Where(c => c.Required).Reverse())
            if (!columns.Contains(required)) columns.Insert(0, required);

        var sort = new List<(ReportColumn, bool)>();
        foreach (var raw in p.GetList("sort") ?? [])
        {
            var descending = raw.StartsWith('-');
            var name = raw.TrimStart('-', '+');
            var column = report.Find(name) ?? throw ApiError.Invalid("sort", $"\"{name}\" is not a column of the {report.Name} report.");
            if (!column.Sortable) throw ApiError.Invalid("sort", $"The report cannot be sorted on \"{column.Key}\".");
            if (report.Grouped && !columns.Contains(column))
                throw ApiError.Invalid("sort", $"A grouped report can only be sorted on one of its requested columns; \"{column.Key}\" is not one.");
            if (sort.Any(s => s.Item1 == column)) continue;
            sort.Add((column, descending));
        }

        return new ReportQuery(report, columns, sort, report.Filter(p, today), format);
    }

    /// <summary>Every matching row, projected and sorted; grouped reports answer one row per group.</summary>
    public List<JsonObject> Evaluate(SandboxDataset data, SandboxProvider provider)
    {
        var rows = Report.Source(data, provider).Where(Filter).ToList();
        List<(JsonObject Row, Func<ReportColumn, JsonNode?> Value)> projected;
        if (!Report.Grouped)
        {
            projected = rows.Select(r => (Project(c => c.Value(r)), (Func<ReportColumn, JsonNode?>)(c => c.Value(r)))).ToList();
        }
        else
        {
            var keys = Columns.Where(c => c.Aggregate is null).ToList();
            projected = rows
                .GroupBy(r => string.Join("\u001f", keys.Select(k => k.Value(r)?.ToJsonString() ?? "null")))
                .Select(g =>
                {
                    var members = g.ToList();
                    var values = Columns.ToDictionary(c => c, c => c.Aggregate is { } agg ? agg(members, members[0]) : c.Value(members[0]));
                    return (Project(c => values[c]?.DeepClone()), (Func<ReportColumn, JsonNode?>)(c => values[c]));
                })
                .ToList();
            // Groups come out in the order of their columns unless asked otherwise.
            IOrderedEnumerable<(JsonObject Row, Func<ReportColumn, JsonNode?> Value)>? byKeys = null;
            foreach (var k in keys)
                byKeys = byKeys is null
                    ? projected.OrderBy(x => x.Value(k), JsonValueComparer.Instance)
                    : byKeys.ThenBy(x => x.Value(k), JsonValueComparer.Instance);
            if (byKeys is not null) projected = byKeys.ToList();
        }

        if (Sort.Count > 0)
        {
            var (first, firstDesc) = Sort[0];
            var ordered = firstDesc
                ? projected.OrderByDescending(x => x.Value(first), JsonValueComparer.Instance)
                : projected.OrderBy(x => x.Value(first), JsonValueComparer.Instance);
            foreach (var (column, desc) in Sort.Skip(1))
                ordered = desc
                    ? ordered.ThenByDescending(x => x.Value(column), JsonValueComparer.Instance)
                    : ordered.ThenBy(x => x.Value(column), JsonValueComparer.Instance);
            projected = ordered.ToList();
        }

        return projected.Select(x => x.Row).ToList();
    }

    private JsonObject Project(Func<ReportColumn, JsonNode?> value)
    {
        var row = new JsonObject();
        foreach (var column in Columns) SetNested(row, column.Key, value(column));
        return row;
    }

    private static void SetNested(JsonObject target, string key, JsonNode? value)
    {
        var parts = key.Split('.');
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (target[parts[i]] is not JsonObject child) target[parts[i]] = child = new JsonObject();
            target = child;
        }

        target[parts[^1]] = value;
    }

    public static JsonNode? GetNested(JsonObject row, string key)
    {
        JsonNode? node = row;
        foreach (var part in key.Split('.')) node = (node as JsonObject)?[part];
        return node;
    }

    public JsonArray ColumnHeaders() => new([.. Columns.Select(c =>
    {
        var header = new JsonObject
        {
            ["label"] = c.Label,
            ["key"] = c.Key,
            ["sortable"] = c.Sortable,
            ["holds_customer_id"] = c.HoldsCustomerId,
        };
        var index = Sort.FindIndex(s => s.Column == c);
        if (index >= 0) header["sorted"] = new JsonObject { ["order"] = Sort[index].Descending ? "desc" : "asc", ["priority"] = index };
        header["required"] = c.Required;
        return (JsonNode)header;
    })]);
}
