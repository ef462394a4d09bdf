using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using TeamUp.Generated.Serialization;

namespace TeamUp.Generated;

// Reading the export file as rows, streamed: CSV or JSON, as dictionaries or typed.
public partial class ExportJob
{
    // Bytes asked of the file per read: the default 1 KB meant a read (and an idle-timer re-arm) every few rows.
    private const int CsvReadBuffer = 64 * 1024;

    /// <summary>The rows of the export file as column → cell text (JSON objects and arrays as compact JSON), streamed.</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    public virtual async IAsyncEnumerable<IReadOnlyDictionary<string, string?>> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var response = await OpenResultAsync(cancellationToken).ConfigureAwait(false);
        var body = await OpenFileAsync(response, cancellationToken).ConfigureAwait(false);
        if (IsJson(response))
        {
            // Rows of one export share their columns: size each dictionary like the previous row.
            var columns = 0;
            StringWriter? scratch = null;
            await foreach (var row in ExportFileReader.ReadJsonRowsAsync(body, json => ExportFileReader.ReadDictionaryRow(json, columns, ref scratch), cancellationToken).ConfigureAwait(false))
            {
                columns = row.Count;
                yield return row;
            }
            yield break;
        }
        // CSV cells go straight into the dictionary: no JSON object in between.
        using var text = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: CsvReadBuffer);
        await foreach (var (headers, cells) in ExportFileReader.ReadCsvRowsAsync(text, cancellationToken).ConfigureAwait(false))
        {
            var values = new Dictionary<string, string?>(cells.Length, StringComparer.Ordinal);
            for (var i = 0; i < cells.Length; i++)
            {
                values[headers[i]] = cells[i];
            }
            yield return values;
        }
    }

    /// <summary>
    /// The rows of the export file as <typeparamref name="T"/> (e.g. <see cref="InvoicesReportRow"/>), streamed, mapped by
    /// the JSON names of its properties. A CSV file is read as its JSON rows would be: headers as column keys (a label
    /// such as <c>Due Date</c> reads as <c>due_date</c>), dotted keys nested (<c>customer.id</c> fills <c>Customer.Id</c>),
    /// empty cells null. A CSV amount carries no currency: it reads as a <see cref="Money"/> with
    /// <see cref="Money.Decimal"/> and <see cref="Money.String"/> set and an empty <see cref="Money.IsoCurrencyCode"/>,
    /// so such amounts add up among themselves but not with amounts that name their currency.
    /// </summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="cancellationToken">Stops reading.</param>
    public virtual async IAsyncEnumerable<T> ReadRowsAsync<T>([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var response = await OpenResultAsync(cancellationToken).ConfigureAwait(false);
        var body = await OpenFileAsync(response, cancellationToken).ConfigureAwait(false);
        var settings = TeamUpJson.CreateSettings();
        if (IsJson(response))
        {
            // Straight from the file's tokens into T: no JObject per row, and no serializer call per row either.
            var rows = new TypedRowReader(JsonSerializer.Create(settings));
            await foreach (var row in ExportFileReader.ReadJsonRowsAsync(body, rows.Read<T>, cancellationToken).ConfigureAwait(false))
            {
                if (row is { } value)
                {
                    yield return value;
                }
            }
            yield break;
        }
        settings.Converters.Add(new CsvAmountConverter());
        var csvRows = new TypedRowReader(JsonSerializer.Create(settings));
        string[]? keys = null;
        CsvRowJsonReader.Shape? shape = null;
        CsvRowJsonReader? record = null; // one for the file: a row that fails ends the reading
        using var text = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: CsvReadBuffer);
        await foreach (var (headers, cells) in ExportFileReader.ReadCsvRowsAsync(text, cancellationToken).ConfigureAwait(false))
        {
            keys ??= headers.Select(ExportFileReader.ColumnKey).ToArray();
            shape ??= CsvRowJsonReader.ShapeOf(keys);
            // A plain record is read as tokens straight off its cells (each cell converted by the property's read method:
            // Newtonsoft's rules for text); one with JSON in a cell is built as its JSON row first.
            var value = CsvRowJsonReader.IsPlain(shape, cells)
                ? ToObject<T>(record = record?.Over(cells) ?? shape.Over(cells), csvRows)
                : ToObject<T>(ExportFileReader.ToJsonRow(keys, cells).CreateReader(), csvRows);
            if (value is not null)
            {
                yield return value;
            }
        }
    }

    private static T? ToObject<T>(JsonReader row, TypedRowReader rows)
    {
        try
        {
            return rows.Read<T>(row);
        }
        catch (JsonException exception)
        {
            throw ExportFileReader.Unreadable($"a row could not be read as {typeof(T).Name}: {exception.Message}", exception);
        }
    }

    private bool IsJson(HttpResponseMessage response)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? string.Empty;
        if (mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (mediaType.Contains("csv", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (Format is { } format)
        {
            return format == ReportFormat.Json;
        }
        return response.RequestMessage?.RequestUri?.AbsolutePath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) == true;
    }

    // A CSV amount is a bare number where the JSON row has a money object.
    internal sealed class CsvAmountConverter : JsonConverter<Money>
    {
        public override bool CanWrite => false;

        public override Money? ReadJson(JsonReader reader, Type objectType, Money? existingValue, bool hasExistingValue, JsonSerializer serializer)
        {
            switch (reader.TokenType)
            {
                case JsonToken.Null:
                    return null;
                case JsonToken.StartObject:
                    var money = new Money();
                    serializer.Populate(reader, money);
                    return money;
                case JsonToken.String or JsonToken.Integer or JsonToken.Float:
                    var cell = Convert.ToString(reader.Value, CultureInfo.InvariantCulture)!;
                    if (!decimal.TryParse(cell, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
                    {
                        throw new JsonSerializationException($"'{reader.Path}' is not an amount.");
                    }
                    return new Money { Decimal = amount, String = cell, IsoCurrencyCode = string.Empty, CurrencySymbol = string.Empty };
                default:
                    throw new JsonSerializationException($"Expected an amount at '{reader.Path}' but found {reader.TokenType}.");
            }
        }

        public override void WriteJson(JsonWriter writer, Money? value, JsonSerializer serializer) => throw new NotSupportedException();
    }
}
