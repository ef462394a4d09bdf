using System.Globalization;
using System.Runtime.CompilerServices;
using CsvHelper;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace TeamUp.Generated;

/// <summary>
/// Streams the rows of an export file: JSON (a top-level array, or an object with <c>rows</c>) as objects, CSV as
/// header/cell records. Nothing holds the whole file; a malformed or cut-short file fails after the complete rows.
/// </summary>
internal static class ExportFileReader
{
    public static async IAsyncEnumerable<JObject> ReadJsonRowsAsync(TextReader text, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var json = new JsonTextReader(text) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal, CloseInput = false };
        // Either a top-level array of rows, or an object with a "rows" (or "results") array, as the data endpoints answer.
        if (!await ReadJsonAsync(json, cancellationToken).ConfigureAwait(false))
        {
            yield break;
        }
        if (json.TokenType == JsonToken.StartObject)
        {
            var found = false;
            while (await ReadJsonAsync(json, cancellationToken).ConfigureAwait(false) && json.TokenType == JsonToken.PropertyName)
            {
                var name = (string?)json.Value;
                await ReadJsonAsync(json, cancellationToken).ConfigureAwait(false);
                if (!found && json.TokenType == JsonToken.StartArray && (name is "rows" or "results"))
                {
                    found = true;
                    await foreach (var row in ReadJsonArrayAsync(json, cancellationToken).ConfigureAwait(false))
                    {
                        yield return row;
                    }
                }
                else
                {
                    await SkipJsonAsync(json, cancellationToken).ConfigureAwait(false);
                }
            }
            if (json.TokenType != JsonToken.EndObject)
            {
                throw Unreadable("the JSON file ended early or is malformed.", null);
            }
            yield break;
        }
        if (json.TokenType != JsonToken.StartArray)
        {
            throw Unreadable($"the JSON file starts with {json.TokenType}, not an array or object of rows.", null);
        }
        await foreach (var row in ReadJsonArrayAsync(json, cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    private static async IAsyncEnumerable<JObject> ReadJsonArrayAsync(JsonTextReader json, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await ReadJsonAsync(json, cancellationToken).ConfigureAwait(false) && json.TokenType != JsonToken.EndArray)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (json.TokenType != JsonToken.StartObject)
            {
                throw Unreadable($"a row is {json.TokenType}, not an object.", null);
            }
            JObject row;
            try
            {
                row = await JObject.LoadAsync(json, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException exception)
            {
                throw Unreadable("the JSON file is malformed or was cut short: " + exception.Message, exception);
            }
            yield return row;
        }
        if (json.TokenType != JsonToken.EndArray)
        {
            throw Unreadable("the JSON file ended early (truncated download?).", null);
        }
    }

    private static async Task<bool> ReadJsonAsync(JsonTextReader json, CancellationToken cancellationToken)
    {
        try
        {
            return await json.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            throw Unreadable("the JSON file is malformed or was cut short: " + exception.Message, exception);
        }
    }

    private static async Task SkipJsonAsync(JsonTextReader json, CancellationToken cancellationToken)
    {
        try
        {
            await json.SkipAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            throw Unreadable("the JSON file is malformed or was cut short: " + exception.Message, exception);
        }
    }


    /// <summary>The CSV records with the header row's names; cells as text.</summary>
    public static async IAsyncEnumerable<(string[] Headers, string[] Cells)> ReadCsvRowsAsync(TextReader text, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
            IncludeValuesInExceptions = false, // cells can be personal data; errors say where, not what
            FormatProvider = CultureInfo.InvariantCulture,
        };
        using var csv = CsvReader.Create(text, options, leaveOpen: true);
        string[]? headers = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string[] cells;
            try
            {
                if (!await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }
                headers ??= csv.Headers?.ToArray() ?? [];
                cells = new string[Math.Min(headers.Length, csv.FieldCount)];
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = csv.GetString(i);
                }
            }
            catch (FormatException exception) when (exception is CsvFormatException or CsvValidationException)
            {
                throw Unreadable($"CSV row {csv.RowNumber} could not be read ({exception.GetType().Name}).", exception);
            }
            yield return (headers, cells);
        }
    }

    /// <summary>
    /// A CSV record shaped like the JSON row of the same report, for typed reading: headers as column keys, dotted
    /// keys nested (<c>customer.id</c> → <c>{"customer":{"id":…}}</c>), empty cells null, cells holding JSON parsed.
    /// </summary>
    public static JObject ToJsonRow(string[] columnKeys, string[] cells)
    {
        var row = new JObject();
        for (var i = 0; i < cells.Length; i++)
        {
            var path = columnKeys[i].Split('.');
            var parent = row;
            for (var depth = 0; depth < path.Length - 1; depth++)
            {
                if (parent[path[depth]] is not JObject child)
                {
                    child = new JObject();
                    parent[path[depth]] = child;
                }
                parent = child;
            }
            var leaf = path[^1];
            var cell = ToToken(cells[i]);
            if (parent[leaf] is JObject existing && cell is JObject parsed)
            {
                existing.Merge(parsed);
            }
            else if (parent[leaf] is not JObject)
            {
                parent[leaf] = cell;
            }
        }
        return row;
    }

    private static JToken ToToken(string cell)
    {
        if (cell.Length == 0)
        {
            return JValue.CreateNull();
        }
        if (cell[0] is '{' or '[')
        {
            try
            {
                return JToken.Parse(cell);
            }
            catch (JsonReaderException)
            {
                // Text that merely starts like JSON stays text.
            }
        }
        return new JValue(cell);
    }

    internal static string ColumnKey(string header)
    {
        var key = new System.Text.StringBuilder(header.Length);
        foreach (var c in header.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c == '.')
            {
                key.Append(c);
            }
            else if (key.Length > 0 && key[^1] != '_')
            {
                key.Append('_');
            }
        }
        return key.ToString().TrimEnd('_');
    }


    public static TeamUpApiException Unreadable(string what, Exception? inner) =>
        new($"{ExportJob.DownloadOperation} failed: {what}", 200, ExportJob.DownloadOperation, null, null, null, inner);
}
