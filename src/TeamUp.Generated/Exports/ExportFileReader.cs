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
    // Rows are parsed synchronously from text read ahead asynchronously (see ReadAheadTextReader): Newtonsoft's
    // async reading costs a task per token, which made a JSON row several times dearer than the walk itself.
    private const int ReadAhead = 64 * 1024;

    /// <summary>
    /// The rows of a JSON export, each read by <paramref name="readRow"/> from the reader positioned on the row's
    /// <c>{</c> (it must leave the reader on the matching <c>}</c>).
    /// </summary>
    public static async IAsyncEnumerable<TRow> ReadJsonRowsAsync<TRow>(Stream body, Func<JsonReader, TRow> readRow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var text = new ReadAheadTextReader(body, ReadAhead);
        using var json = new JsonTextReader(text)
        {
            DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal, CloseInput = false,
            PropertyNameTable = new RepeatedNames(),
        };
        await text.FillAsync(cancellationToken).ConfigureAwait(false);
        // Either a top-level array of rows, or an object with a "rows" (or "results") array, as the data endpoints answer.
        if (!Read(json))
        {
            yield break;
        }
        if (json.TokenType == JsonToken.StartObject)
        {
            var found = false;
            while (await ReadAheadAsync(text, json, cancellationToken).ConfigureAwait(false) && json.TokenType == JsonToken.PropertyName)
            {
                var name = (string?)json.Value;
                Read(json);
                if (!found && json.TokenType == JsonToken.StartArray && (name is "rows" or "results"))
                {
                    found = true;
                    while (await ReadAheadAsync(text, json, cancellationToken).ConfigureAwait(false) && json.TokenType != JsonToken.EndArray)
                    {
                        yield return ReadRow(text, json, readRow);
                    }
                    if (json.TokenType != JsonToken.EndArray)
                    {
                        throw Unreadable("the JSON file ended early (truncated download?).", null);
                    }
                }
                else
                {
                    Skip(json);
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
        while (await ReadAheadAsync(text, json, cancellationToken).ConfigureAwait(false) && json.TokenType != JsonToken.EndArray)
        {
            yield return ReadRow(text, json, readRow);
        }
        if (json.TokenType != JsonToken.EndArray)
        {
            throw Unreadable("the JSON file ended early (truncated download?).", null);
        }
    }

    private static TRow ReadRow<TRow>(ReadAheadTextReader text, JsonTextReader json, Func<JsonReader, TRow> readRow)
    {
        if (json.TokenType != JsonToken.StartObject)
        {
            throw Unreadable($"a row is {json.TokenType}, not an object.", null);
        }
        try
        {
            return readRow(json);
        }
        catch (JsonException exception) when (exception is JsonReaderException || text.AtEnd)
        {
            throw Unreadable("the JSON file is malformed or was cut short: " + exception.Message, exception);
        }
        catch (JsonException exception)
        {
            throw Unreadable($"a row could not be read as {typeof(TRow).Name}: {exception.Message}", exception);
        }
    }

    // Reads the next token after making sure the next row's text (up to ReadAhead) is in memory.
    private static async ValueTask<bool> ReadAheadAsync(ReadAheadTextReader text, JsonTextReader json, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (text.Buffered < ReadAhead / 2)
        {
            await text.FillAsync(cancellationToken).ConfigureAwait(false);
        }
        return Read(json);
    }

    private static bool Read(JsonTextReader json)
    {
        try
        {
            return json.Read();
        }
        catch (JsonReaderException exception)
        {
            throw Unreadable("the JSON file is malformed or was cut short: " + exception.Message, exception);
        }
    }

    private static void Skip(JsonTextReader json)
    {
        try
        {
            json.Skip();
        }
        catch (JsonReaderException exception)
        {
            throw Unreadable("the JSON file is malformed or was cut short: " + exception.Message, exception);
        }
    }

    /// <summary>
    /// A JSON row as column → cell text: null for null, numbers and booleans as .NET prints them invariantly,
    /// objects and arrays as compact JSON. Reads from the row's <c>{</c> to its <c>}</c>.
    /// </summary>
    public static Dictionary<string, string?> ReadDictionaryRow(JsonReader json, int capacity, ref StringWriter? scratch)
    {
        var values = new Dictionary<string, string?>(capacity, StringComparer.Ordinal);
        while (json.Read())
        {
            if (json.TokenType == JsonToken.Comment)
            {
                continue;
            }
            if (json.TokenType != JsonToken.PropertyName)
            {
                break;
            }
            var name = (string)json.Value!;
            do
            {
                if (!json.Read())
                {
                    throw new JsonReaderException("Unexpected end of content while reading a row.");
                }
            }
            while (json.TokenType == JsonToken.Comment);
            values[name] = json.TokenType switch
            {
                JsonToken.Null or JsonToken.Undefined => null,
                JsonToken.StartObject or JsonToken.StartArray or JsonToken.StartConstructor => Compact(json, ref scratch),
                _ => Convert.ToString(json.Value, CultureInfo.InvariantCulture),
            };
        }
        if (json.TokenType != JsonToken.EndObject)
        {
            throw new JsonReaderException("Unexpected end of content while reading a row.");
        }
        return values;
    }

    // The same text as JToken.ToString(Formatting.None) of the value, without building the JToken.
    private static string Compact(JsonReader json, ref StringWriter? scratch)
    {
        scratch ??= new StringWriter(CultureInfo.InvariantCulture);
        scratch.GetStringBuilder().Clear();
        using (var writer = new JsonTextWriter(scratch) { Formatting = Formatting.None, CloseOutput = false })
        {
            writer.WriteToken(json, writeChildren: true);
        }
        return scratch.ToString();
    }

    /// <summary>
    /// The CSV records with the header row's names; cells as text. The cells array is reused for the next record of the
    /// same width: callers copy what they keep (both readers in ExportJob do).
    /// </summary>
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
        string[]? reused = null;
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
                var width = Math.Min(headers.Length, csv.FieldCount);
                cells = reused?.Length == width ? reused : reused = new string[width];
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


    /// <summary>
    /// Every row repeats the same column names: the reader looks them up here instead of allocating each name again.
    /// Names are learned as they come, up to a bound (a file of ever-new names must not grow memory).
    /// </summary>
    private sealed class RepeatedNames : JsonNameTable
    {
        private const int Bound = 4096;
        private readonly DefaultJsonNameTable _names = new();
        private int _count;

        public override string? Get(char[] key, int start, int length)
        {
            if (_names.Get(key, start, length) is { } known)
            {
                return known;
            }
            if (_count >= Bound)
            {
                return null; // the reader makes a string of its own
            }
            _count++;
            return _names.Add(new string(key, start, length));
        }
    }

    public static TeamUpApiException Unreadable(string what, Exception? inner) =>
        TeamUpApiException.UnreadableFile(what, inner);
}
