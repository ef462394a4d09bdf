using System.Globalization;
using System.Reflection;
using System.Text;
using Newtonsoft.Json;
using TeamUp.Generated;

namespace TeamUp.Cli.Api;

/// <summary>
/// The four reports (invoices / invoice-line-items, plain / grouped) on <see cref="TeamUpClient"/>: the client's
/// report query (rows, page by page) and export request (an <see cref="ExportJob"/>), and how CLI
/// <c>--filter key=value</c> pairs map onto them. The valid keys are the filters of the query and the JSON properties
/// of the export request, so a filter the client gains is a valid CLI filter after the next build (a test checks
/// them against the generated operations' parameters).
/// </summary>
internal abstract class ReportCatalog
{
    private static readonly HashSet<string> NotFilters = ["columns", "format", "limit", "offset", "page", "page_size", "sort", "max_concurrency"];

    private protected ReportCatalog(string name, bool grouped, string operationSuffix, string path, Type queryType, Type exportRequestType)
    {
        Name = name;
        Grouped = grouped;
        DataOperation = $"Reports_Get{operationSuffix}Data";
        DataPath = path + "/data";
        DataFilters = queryType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => (Key: SnakeCase(p.Name), Property: p))
            .Where(p => !NotFilters.Contains(p.Key))
            .ToDictionary(p => p.Key, p => p.Property, StringComparer.Ordinal);
        ExportFilters = exportRequestType.GetProperties()
            .Select(p => (Key: p.GetCustomAttribute<JsonPropertyAttribute>()?.PropertyName, Property: p))
            .Where(p => p.Key is not null && !NotFilters.Contains(p.Key))
            .ToDictionary(p => p.Key!, p => p.Property, StringComparer.Ordinal);
    }

    public static readonly string[] Names = ["invoices", "invoice-line-items"];

    public string Name { get; }
    public bool Grouped { get; }
    public string DataOperation { get; }
    public string DataPath { get; }
    public IReadOnlyDictionary<string, PropertyInfo> DataFilters { get; }
    public IReadOnlyDictionary<string, PropertyInfo> ExportFilters { get; }

    public string Title => Grouped ? $"{Name} (grouped)" : Name;

    public static ReportCatalog For(string name, bool grouped) => (name, grouped) switch
    {
        ("invoices", false) => new Report<InvoicesReportQuery, InvoicesReportRow, InvoicesReportExportRequest>(
            name, grouped, "Invoices", "reports/invoices", (r, q, ct) => r.GetInvoicesRowsAsync(q, ct), (r, e, ct) => r.StartInvoicesExportAsync(e, ct)),
        ("invoices", true) => new Report<InvoicesGroupedReportQuery, InvoicesGroupedReportRow, InvoicesGroupedReportExportRequest>(
            name, grouped, "InvoicesGrouped", "reports/invoices.grouped", (r, q, ct) => r.GetInvoicesGroupedRowsAsync(q, ct), (r, e, ct) => r.StartInvoicesGroupedExportAsync(e, ct)),
        ("invoice-line-items", false) => new Report<InvoiceLineItemsReportQuery, InvoiceLineItemsReportRow, InvoiceLineItemsReportExportRequest>(
            name, grouped, "InvoiceLineItems", "reports/invoice_line_items", (r, q, ct) => r.GetInvoiceLineItemsRowsAsync(q, ct), (r, e, ct) => r.StartInvoiceLineItemsExportAsync(e, ct)),
        ("invoice-line-items", true) => new Report<InvoiceLineItemsGroupedReportQuery, InvoiceLineItemsGroupedReportRow, InvoiceLineItemsGroupedReportExportRequest>(
            name, grouped, "InvoiceLineItemsGrouped", "reports/invoice_line_items.grouped", (r, q, ct) => r.GetInvoiceLineItemsGroupedRowsAsync(q, ct), (r, e, ct) => r.StartInvoiceLineItemsGroupedExportAsync(e, ct)),
        _ => throw new UsageException($"Unknown report '{name}'; expected one of: {string.Join(", ", Names)}."),
    };

    /// <summary>The client's query for these columns, filters and order; a bad key or value is a <see cref="UsageException"/>.</summary>
    public abstract ReportQuery CreateQuery(IReadOnlyList<string> columns, IEnumerable<string> filters, IReadOnlyList<string> sort, int pageSize);

    /// <summary>Every row of the report, page by page, as the client's typed rows.</summary>
    public abstract IAsyncEnumerable<object> ReadRowsAsync(IReportsClient reports, ReportQuery query, CancellationToken cancellationToken);

    /// <summary>The client's export request for these columns, filters, order and format; a bad key or value is a <see cref="UsageException"/>.</summary>
    public abstract object CreateExportRequest(IReadOnlyList<string> columns, IEnumerable<string> filters, IReadOnlyList<string> sort, ReportFormat format);

    /// <summary>Starts the export (one POST) and returns its job.</summary>
    public abstract Task<ExportJob> StartExportAsync(IReportsClient reports, object request, CancellationToken cancellationToken);

    private sealed class Report<TQuery, TRow, TExport>(
        string name, bool grouped, string operationSuffix, string path,
        Func<IReportsClient, TQuery, CancellationToken, IAsyncEnumerable<TRow>> rows,
        Func<IReportsClient, TExport, CancellationToken, Task<ExportJob>> start)
        : ReportCatalog(name, grouped, operationSuffix, path, typeof(TQuery), typeof(TExport))
        where TQuery : ReportQuery, new()
        where TRow : class
        where TExport : class, new()
    {
        public override ReportQuery CreateQuery(IReadOnlyList<string> columns, IEnumerable<string> filters, IReadOnlyList<string> sort, int pageSize)
        {
            var query = new TQuery { PageSize = pageSize, Sort = sort.Count > 0 ? sort : null };
            Fill(query, columns, ParseFilters(filters, DataFilters.Keys, Title), DataFilters);
            return query;
        }

        public override async IAsyncEnumerable<object> ReadRowsAsync(IReportsClient reports, ReportQuery query,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var row in rows(reports, (TQuery)query, cancellationToken))
            {
                yield return row;
            }
        }

        public override object CreateExportRequest(IReadOnlyList<string> columns, IEnumerable<string> filters, IReadOnlyList<string> sort, ReportFormat format)
        {
            var request = new TExport();
            Fill(request, columns, ParseFilters(filters, ExportFilters.Keys, Title), ExportFilters);
            if (sort.Count > 0) typeof(TExport).GetProperty("Sort")!.SetValue(request, sort.ToArray());
            typeof(TExport).GetProperty("Format")!.SetValue(request, format);
            return request;
        }

        public override Task<ExportJob> StartExportAsync(IReportsClient reports, object request, CancellationToken cancellationToken) =>
            start(reports, (TExport)request, cancellationToken);

        private static void Fill(object target, IReadOnlyList<string> columns, List<(string Key, string Value)> pairs, IReadOnlyDictionary<string, PropertyInfo> filters)
        {
            foreach (var (key, value) in pairs)
            {
                var property = filters[key];
                property.SetValue(target, Convert(key, value, property.PropertyType));
            }
            var columnsProperty = target.GetType().GetProperty("Columns")!;
            columnsProperty.SetValue(target, Convert("columns", string.Join(',', columns), columnsProperty.PropertyType));
        }
    }

    /// <summary>Splits <c>key=value</c> pairs and checks every key against <paramref name="valid"/>.</summary>
    public static List<(string Key, string Value)> ParseFilters(IEnumerable<string> filters, IEnumerable<string> valid, string reportTitle)
    {
        var validKeys = valid.OrderBy(k => k, StringComparer.Ordinal).ToList();
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
                throw new UsageException($"Unknown filter '{key}' for the {reportTitle} report. Valid filter keys: {string.Join(", ", validKeys)}.");
            }
            result.Add((key, filter[(eq + 1)..].Trim()));
        }
        return result;
    }

    /// <summary>Converts a CLI string to the client's type (numbers, booleans, dates, extensible enums, lists).</summary>
    public static object Convert(string key, string value, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type != typeof(string) && type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
        {
            var element = type.GetGenericArguments()[0];
            var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var array = Array.CreateInstance(element, parts.Length);
            for (var i = 0; i < parts.Length; i++)
            {
                array.SetValue(Convert(key, parts[i], element), i);
            }
            return array;
        }
        try
        {
            if (type == typeof(string)) return value;
            if (type == typeof(int)) return int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (type == typeof(bool)) return value.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" => true,
                "false" or "0" or "no" => false,
                _ => throw new FormatException(),
            };
            if (type == typeof(DateOnly)) return DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (type == typeof(DateTimeOffset)) return DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            if (type.IsValueType && type.GetConstructor([typeof(string)]) is { } ctor) return ctor.Invoke([value]);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new UsageException($"'{value}' is not a valid value for '{key}' (expected {Describe(type)}).");
        }
        throw new UsageException($"'{key}' cannot be set from the command line (type {type.Name}).");
    }

    private static string Describe(Type type) =>
        type == typeof(int) ? "an integer" :
        type == typeof(bool) ? "true or false" :
        type == typeof(DateOnly) ? "a date like 2025-01-31" :
        type == typeof(DateTimeOffset) ? "a date-time like 2025-01-31T00:00:00Z" : type.Name;

    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (char.IsUpper(c))
            {
                if (sb.Length > 0) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
