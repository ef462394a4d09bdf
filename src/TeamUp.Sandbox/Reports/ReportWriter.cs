using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TeamUp.Sandbox;

/// <summary>Writes report rows as the JSON envelope or as CSV, flushing as it goes so big exports stream.</summary>
internal static class ReportWriter
{
    private const int FlushEvery = 500;

    public static string ContentType(string format) => format == "json" ? "application/json; charset=utf-8" : "text/csv; charset=utf-8";

    public static async Task WriteAsync(Stream stream, ReportQuery query, int total, IReadOnlyList<JsonObject> rows, CancellationToken ct)
    {
        if (query.Format == "json") await WriteJsonAsync(stream, query, total, rows, ct);
        else await WriteCsvAsync(stream, query, rows, ct);
    }

    private static async Task WriteJsonAsync(Stream stream, ReportQuery query, int total, IReadOnlyList<JsonObject> rows, CancellationToken ct)
    {
        await using var writer = new Utf8JsonWriter(stream, SandboxJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteNumber("total", total);
        writer.WritePropertyName("column_headers");
        query.ColumnHeaders().WriteTo(writer, SandboxJson.Options);
        writer.WriteStartArray("rows");
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].WriteTo(writer, SandboxJson.Options);
            if ((i + 1) % FlushEvery == 0) await writer.FlushAsync(ct);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(ct);
    }

    /// <summary>RFC 4180 CSV; the header row holds the column keys; money cells hold the amount with two decimals.</summary>
    private static async Task WriteCsvAsync(Stream stream, ReportQuery query, IReadOnlyList<JsonObject> rows, CancellationToken ct)
    {
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(",", query.Columns.Select(c => Escape(c.Key))));
        for (var i = 0; i < rows.Count; i++)
        {
            await writer.WriteLineAsync(string.Join(",", query.Columns.Select(c => Escape(Cell(ReportQuery.GetNested(rows[i], c.Key))))));
            if ((i + 1) % FlushEvery == 0) await writer.FlushAsync(ct);
        }

        await writer.FlushAsync(ct);
    }

    public static string Cell(JsonNode? node) => node switch
    {
        null => "",
        JsonObject o when o["decimal"] is { } d => decimal.Parse(d.ToJsonString().Trim('"'), CultureInfo.InvariantCulture).ToString("0.00", CultureInfo.InvariantCulture),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(SandboxJson.Options),
    };

    private static string Escape(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}

/// <summary>Report pagination: <c>page</c>/<c>page_size</c> or <c>limit</c>/<c>offset</c>, not both.</summary>
internal readonly record struct ReportPage(int Offset, int Limit)
{
    public const int MaxPageSize = 100;
    public const int MaxLimit = 1000;

    public static ReportPage Parse(ParamBag p)
    {
        var paged = p.Has("page") || p.Has("page_size");
        if (paged && (p.Has("limit") || p.Has("offset")))
            throw ApiError.Invalid("page", "Use either page/page_size or limit/offset, not both.");
        if (paged)
        {
            var size = p.GetInt("page_size", 0, MaxPageSize) ?? 50;
            var page = p.GetInt("page", 1) ?? 1;
            return new ReportPage((int)Math.Min(int.MaxValue, (long)(page - 1) * size), size);
        }

        return new ReportPage(p.GetInt("offset", 0) ?? 0, p.GetInt("limit", 0, MaxLimit) ?? 50);
    }

    public List<JsonObject> Slice(List<JsonObject> rows) => rows.Skip(Offset).Take(Limit).ToList();
}
