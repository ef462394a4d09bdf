using TeamUp.Generated;

namespace TeamUp.Cli.Api;

/// <summary>
/// One report as the CLI uses it, read from the SDK's generated <see cref="ReportsClient.Definitions"/>: report names,
/// columns, sort keys and filters (with their types) all come from the spec through the build, so a column or filter
/// added there is accepted here after the next build. Every key is checked before anything connects: a wrong one is a
/// usage error (exit 2) that lists the valid ones.
/// </summary>
internal sealed class ReportCatalog
{
    private ReportCatalog(ReportDefinition definition) => Definition = definition;

    public ReportDefinition Definition { get; }

    /// <summary>The report names (the grouped variants share them).</summary>
    public static IReadOnlyList<string> Names { get; } = ReportsClient.Definitions.Select(d => d.Name).Distinct(StringComparer.Ordinal).ToArray();

    public string Title => Definition.Title;
    public string DataOperation => Definition.DataOperation;
    public string DataPath => Definition.DataPath;
    public IEnumerable<string> DataFilterKeys => Definition.QueryFilters.Select(f => f.Key);

    public static ReportCatalog For(string name, bool grouped)
    {
        var definition = ReportsClient.Definitions.FirstOrDefault(d => d.Name == name && d.Grouped == grouped);
        if (definition is not null) return new ReportCatalog(definition);
        if (!Names.Contains(name)) throw new UsageException($"Unknown report '{name}'; expected one of: {string.Join(", ", Names)}.");
        throw new UsageException(grouped ? $"The {name} report has no grouped variant." : $"The {name} report exists only grouped: add --grouped.");
    }

    /// <summary>The client's row query for these columns, filters and order; a bad key or value is a <see cref="UsageException"/>.</summary>
    public ReportQuery CreateQuery(IReadOnlyList<string> columns, IEnumerable<string> filters, IReadOnlyList<string> sort, int pageSize)
    {
        var query = Definition.CreateQuery();
        query.PageSize = pageSize;
        Fill(query, Definition.QueryFields, Definition.QueryFilters, columns, filters, sort);
        return query;
    }

    /// <summary>The client's export request for these columns, filters, order and format; a bad key or value is a <see cref="UsageException"/>.</summary>
    public object CreateExportRequest(IReadOnlyList<string> columns, IEnumerable<string> filters, IReadOnlyList<string> sort, ReportFormat format)
    {
        if (Definition.ExportOperation is null) throw new UsageException($"The {Title} report cannot be exported.");
        var request = Definition.CreateExportRequest();
        Fill(request, Definition.ExportFields, Definition.ExportFilters, columns, filters, sort);
        Field(Definition.ExportFields, "format")?.SetValue(request, format);
        return request;
    }

    public IAsyncEnumerable<object> ReadRowsAsync(IReportsClient reports, ReportQuery query, CancellationToken cancellationToken) =>
        Definition.ReadRowsAsync(reports, query, cancellationToken);

    public Task<ExportJob> StartExportAsync(IReportsClient reports, object request, CancellationToken cancellationToken) =>
        Definition.StartExportAsync(reports, request, cancellationToken);

    /// <summary>Every column key must be one the spec lists for this report.</summary>
    public void CheckColumns(IReadOnlyList<string> columns)
    {
        if (columns.Count == 0) throw new UsageException("--columns needs at least one column key.");
        var unknown = columns.Where(c => !Definition.Columns.Contains(c, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown column{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(c => $"'{c}'"))} for the {Title} report. " +
                                     $"Valid columns: {string.Join(", ", Definition.Columns)}.");
        }
    }

    /// <summary>Every sort key must be a column key of this report, optionally prefixed with '-' (descending).</summary>
    public void CheckSort(IReadOnlyList<string> sort)
    {
        var unknown = sort.Where(s => !Definition.SortKeys.Contains(s.StartsWith('-') ? s[1..] : s, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown sort key{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(c => $"'{c}'"))} for the {Title} report. " +
                                     $"Valid sort keys (prefix '-' for descending): {string.Join(", ", Definition.SortKeys)}.");
        }
    }

    /// <summary>Splits <c>key=value</c> pairs and checks every key against the report's data filters.</summary>
    public List<(string Key, string Value)> ParseDataFilters(IEnumerable<string> filters) => ParseFilters(filters, Definition.QueryFilters);

    private void Fill(object target, IReadOnlyList<ReportField> fields, IEnumerable<ReportField> filterFields,
        IReadOnlyList<string> columns, IEnumerable<string> filters, IReadOnlyList<string> sort)
    {
        CheckColumns(columns);
        CheckSort(sort);
        var byKey = filterFields.ToDictionary(f => f.Key, StringComparer.Ordinal);
        foreach (var (key, value) in ParseFilters(filters, byKey.Values))
        {
            Set(byKey[key], target, value);
        }
        if (Field(fields, "columns") is { } columnsField) Set(columnsField, target, string.Join(',', columns));
        if (sort.Count > 0)
        {
            var sortField = Field(fields, "sort") ?? throw new UsageException($"The {Title} report cannot be sorted here.");
            Set(sortField, target, string.Join(',', sort));
        }
    }

    private static ReportField? Field(IEnumerable<ReportField> fields, string key) => fields.FirstOrDefault(f => f.Key == key);

    private static void Set(ReportField field, object target, string text)
    {
        try
        {
            field.SetText(target, text);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private List<(string Key, string Value)> ParseFilters(IEnumerable<string> filters, IEnumerable<ReportField> valid)
    {
        var validKeys = valid.Select(f => f.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var result = new List<(string, string)>();
        foreach (var filter in filters)
        {
            var eq = filter.IndexOf('=');
            if (eq <= 0)
            {
                throw new UsageException($"--filter '{filter}' is not key=value.");
            }
            var key = filter[..eq].Trim().Replace('-', '_');
            if (!validKeys.Contains(key))
            {
                throw new UsageException($"Unknown filter '{key}' for the {Title} report. Valid filter keys: {string.Join(", ", validKeys)}.");
            }
            result.Add((key, filter[(eq + 1)..].Trim()));
        }
        return result;
    }
}
