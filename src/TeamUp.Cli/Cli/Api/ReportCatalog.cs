using System.Globalization;
using System.Reflection;
using System.Text;
using Newtonsoft.Json;
using TeamUp.Generated;

namespace TeamUp.Cli.Api;

/// <summary>
/// The four reports (invoices / invoice-line-items, plain / grouped) and how CLI <c>--filter key=value</c> pairs map
/// onto them: the valid keys are read from the generated client itself (the data method's query parameters, the
/// export request's JSON properties), so a filter added to the spec is a valid CLI filter after the next build.
/// </summary>
internal sealed class ReportCatalog
{
    private static readonly HashSet<string> NotFilters = ["columns", "format", "limit", "offset", "page", "page_size", "sort", "cancellation_token"];

    private ReportCatalog(string name, bool grouped, string operationSuffix, string path)
    {
        Name = name;
        Grouped = grouped;
        DataMethod = typeof(ReportsClient).GetMethod($"Get{operationSuffix}DataAsync")!;
        ExportMethod = typeof(ReportsClient).GetMethod($"Export{operationSuffix}Async")!;
        ExportRequestType = ExportMethod.GetParameters().Single(p => p.Name == "body").ParameterType;
        DataOperation = $"Reports_Get{operationSuffix}Data";
        ExportOperation = $"Reports_Export{operationSuffix}";
        DataPath = path + "/data";
        DataFilters = DataMethod.GetParameters()
            .Select(p => (Key: SnakeCase(p.Name!), p.ParameterType))
            .Where(p => !NotFilters.Contains(p.Key))
            .ToDictionary(p => p.Key, p => p.ParameterType, StringComparer.Ordinal);
        ExportFilters = ExportRequestType.GetProperties()
            .Select(p => (Key: p.GetCustomAttribute<JsonPropertyAttribute>()?.PropertyName, Property: p))
            .Where(p => p.Key is not null && !NotFilters.Contains(p.Key))
            .ToDictionary(p => p.Key!, p => p.Property, StringComparer.Ordinal);
    }

    public static readonly string[] Names = ["invoices", "invoice-line-items"];

    public string Name { get; }
    public bool Grouped { get; }
    public MethodInfo DataMethod { get; }
    public MethodInfo ExportMethod { get; }
    public Type ExportRequestType { get; }
    public string DataOperation { get; }
    public string ExportOperation { get; }
    public string DataPath { get; }
    public IReadOnlyDictionary<string, Type> DataFilters { get; }
    public IReadOnlyDictionary<string, PropertyInfo> ExportFilters { get; }

    public static ReportCatalog For(string name, bool grouped) => (name, grouped) switch
    {
        ("invoices", false) => new(name, grouped, "Invoices", "reports/invoices"),
        ("invoices", true) => new(name, grouped, "InvoicesGrouped", "reports/invoices.grouped"),
        ("invoice-line-items", false) => new(name, grouped, "InvoiceLineItems", "reports/invoice_line_items"),
        ("invoice-line-items", true) => new(name, grouped, "InvoiceLineItemsGrouped", "reports/invoice_line_items.grouped"),
        _ => throw new UsageException($"Unknown report '{name}'; expected one of: {string.Join(", ", Names)}."),
    };

    public string Title => Grouped ? $"{Name} (grouped)" : Name;

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

    /// <summary>Converts a CLI string to the generated client's type (numbers, booleans, dates, extensible enums, lists).</summary>
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

    /// <summary>Calls a generated method by parameter name; missing parameters get their defaults.</summary>
    public static async Task<object> InvokeAsync(object client, MethodInfo method, IReadOnlyDictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var parameters = method.GetParameters();
        var values = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            values[i] = p.ParameterType == typeof(CancellationToken) ? cancellationToken
                : arguments.TryGetValue(SnakeCase(p.Name!), out var v) ? v
                : p.HasDefaultValue ? p.DefaultValue : null;
        }
        Task task;
        try
        {
            task = (Task)method.Invoke(client, values)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        await task;
        return task.GetType().GetProperty("Result")!.GetValue(task)!;
    }

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

    /// <summary>The element type of a method parameter or property typed as a list of T.</summary>
    public static Type ElementType(Type listType) =>
        (Nullable.GetUnderlyingType(listType) ?? listType).GetGenericArguments()[0];
}
