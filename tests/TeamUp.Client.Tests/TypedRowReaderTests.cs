using Newtonsoft.Json;
using TeamUp.Generated;
using TeamUp.Generated.Serialization;

namespace TeamUp.Client.Tests;

/// <summary>
/// Typed export rows are read by <see cref="TypedRowReader"/> instead of one <see cref="JsonSerializer"/> call per row.
/// Whatever a row holds — odd scalars, unknown enum values, unknown fields, broken required promises, malformed cells —
/// the result must be the serializer's: the same object (compared as TeamUp JSON), or the same exception type and message.
/// RowReaderEquivalenceTests (integration) does the same on every report the sandbox exports.
/// </summary>
public class TypedRowReaderTests
{
    private static JsonSerializer JsonRows() => JsonSerializer.Create(TeamUpJson.CreateSettings());

    private static JsonSerializer CsvRows()
    {
        var settings = TeamUpJson.CreateSettings();
        settings.Converters.Add(new ExportJob.CsvAmountConverter());
        return JsonSerializer.Create(settings);
    }

    [Theory]
    [InlineData(typeof(InvoicesReportRow))]
    [InlineData(typeof(InvoicesGroupedReportRow))]
    [InlineData(typeof(InvoiceLineItemsReportRow))]
    [InlineData(typeof(InvoiceLineItemsGroupedReportRow))]
    [InlineData(typeof(ReportCustomer))]
    public void Every_report_row_type_is_planned_not_left_to_the_serializer(Type type)
    {
        // Otherwise the comparisons below would compare the serializer with itself.
        Assert.True(new TypedRowReader(JsonRows()).Plans(type));
        Assert.True(new TypedRowReader(CsvRows()).Plans(type));
    }

    [Fact]
    public void Money_is_planned_in_json_and_read_by_the_amount_converter_in_csv()
    {
        Assert.True(new TypedRowReader(JsonRows()).Plans(typeof(Money)));
        Assert.False(new TypedRowReader(CsvRows()).Plans(typeof(Money)));
    }

    private const string Money = """{"decimal":12.5,"string":"€12.50","iso_currency_code":"eur","currency_symbol":"€","currency_symbol_position":"before"}""";

    public static TheoryData<string> JsonInvoiceRows() =>
    [
        """{"id":7,"due_date":"2025-01-05","status":"open","customer":{"id":42,"name":"Ann"},"total_amount":""" + Money + ""","paid_at":"2025-01-05T10:20:30Z","purchase_type":"membership"}""",
        """{"id":7,"status":"written_off_new","is_credit_note":true,"number":"A-1","refund_date":"2025-02-03","updated_at":"2025-01-05T10:20:30.1234567+02:00"}""",
        // text where numbers, dates and booleans are expected: Newtonsoft's conversions decide
        """{"id":"12","due_date":"2025-1-5","paid_at":"2025-01-05","confirmed_at":"","is_credit_note":"true","updated_at":"5 Jan 2025 10:00"}""",
        """{"id":"","due_date":"","refund_date":"2025-01-05T00:00:00","status":""}""",
        """{"id":null,"due_date":null,"status":null,"customer":null,"total_amount":null,"applied_credits":null}""",
        """{"id":7.0,"status":3,"is_credit_note":1}""",
        """{"ID":7,"Due_Date":"2025-01-05","STATUS":"paid"}""",
        // unknown fields are kept as extension data, scalars and objects alike
        """{"id":7,"brand_new":"x","brand_new_number":12.5,"brand_new_object":{"a":[1,2,{"b":null}]},"brand_new_null":null}""",
        // lists, free-form objects and nested objects go to the serializer or the plan
        """{"id":7,"charges":[{"id":1}],"applied_credits":[],"legacy_mapping":{"old_id":"x9","n":[1]},"refunded_invoice":{"id":3},"discount_code":{"code":"X"}}""",
        """{"id":7,"legacy_mapping":"plain text","customer":{"id":"42","name":7,"extra":true}}""",
        """{/* c */"id":7,/* c */"status":"open"}""",
        // broken promises inside money: required properties missing or null
        """{"id":7,"total_amount":{"string":"€1","iso_currency_code":"eur","currency_symbol":"€","currency_symbol_position":"before"}}""",
        """{"id":7,"total_amount":{"decimal":1,"string":null,"iso_currency_code":"eur","currency_symbol":"€","currency_symbol_position":"before"}}""",
        """{"id":7,"total_amount":{"decimal":1,"string":"","iso_currency_code":"eur","currency_symbol":"€","currency_symbol_position":null}}""",
        """{"id":7,"total_amount":{"decimal":"1.5","string":"1.5","iso_currency_code":"eur","currency_symbol":"€","currency_symbol_position":"sideways"}}""",
        """{"id":7,"total_amount":{"decimal":"x","string":"1.5","iso_currency_code":"eur","currency_symbol":"€","currency_symbol_position":"before"}}""",
        // malformed values
        """{"id":"seven"}""",
        """{"id":7.5}""",
        """{"id":{"a":1}}""",
        """{"paid_at":"yesterday"}""",
        """{"due_date":"2025-13-01"}""",
        """{"is_credit_note":"maybe"}""",
        """{"status":{"a":1}}""",
        """{"number":["a"]}""",
        """{"customer":"Ann"}""",
        """{"charges":{"id":1}}""",
        // metadata first is the serializer's business
        """{"$id":"1","id":7}""",
        // cut short
        """{"id":7,"customer":{"id":4""",
        """{"id":7,"status":""",
    ];

    [Theory]
    [MemberData(nameof(JsonInvoiceRows))]
    public void Json_rows_read_as_the_serializer_reads_them(string json)
    {
        var expected = Outcome(() => Serializer(json, JsonRows()));
        var actual = Outcome(() =>
        {
            var reader = JsonReaderOver(json);
            reader.Read();
            return new TypedRowReader(JsonRows()).Read<InvoicesReportRow>(reader);
        });
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("""{"id":1,"invoice":{"id":2,"number":"N"},"amount":{"decimal":3,"string":"3","iso_currency_code":"usd","currency_symbol":"$","currency_symbol_position":"after"},"type":"fee_new","description":"d"}""")]
    [InlineData("""{"id":1,"amount":{"decimal":3},"type":"fee"}""")]
    public void Json_line_item_rows_read_as_the_serializer_reads_them(string json)
    {
        var expected = Outcome(() => JsonRows().Deserialize<InvoiceLineItemsReportRow>(JsonReaderOver(json)));
        var actual = Outcome(() =>
        {
            var reader = JsonReaderOver(json);
            reader.Read();
            return new TypedRowReader(JsonRows()).Read<InvoiceLineItemsReportRow>(reader);
        });
        Assert.Equal(expected, actual);
    }

    public static TheoryData<string[], string[]> CsvRecords() => new()
    {
        { ["id", "due_date", "status", "customer.id", "customer.name", "total_amount", "paid_at", "purchase_type"],
          ["7", "2025-01-05", "open", "42", "Ann", "12.50", "2025-01-05T10:20:30Z", "membership"] },
        { ["id", "due_date", "status", "customer.id", "customer.name", "total_amount", "paid_at", "purchase_type"],
          ["", "", "", "", "", "", "", ""] },
        { ["id", "due_date", "status", "total_amount", "paid_at", "is_credit_note", "updated_at"],
          [" 12 ", "2025-1-5", "brand_new_status", "1,234.5", "2025-01-05", "True", "2025-01-05T10:20:30.5+05:30"] },
        { ["id", "total_amount", "refund_date", "paid_at"], ["7", "-0.00", "2025-01-05T00:00:00", "5 Jan 2025"] },
        { ["id", "unknown_column", "customer", "customer.name", "legacy_mapping"], ["7", "x", "text", "Ann", "free text"] },
        { ["id", "id", "status"], ["7", "8", "open"] },
        { ["Id", "Due_Date"], ["7", "2025-01-05"] },
        // malformed cells
        { ["id"], ["seven"] },
        { ["id"], ["7.5"] },
        { ["total_amount"], ["12 EUR"] },
        { ["paid_at"], ["yesterday"] },
        { ["paid_at"], ["2025-02-30"] },
        { ["paid_at"], ["2025-1-05"] },
        { ["paid_at"], ["0001-01-01"] },
        { ["paid_at", "confirmed_at", "updated_at"], ["2024-02-29", "1999-12-31", "2025-03-30"] },
        { ["due_date"], ["2025-13-01"] },
        { ["due_date"], ["2025-02-29"] },
        { ["due_date"], ["0000-01-01"] },
        { ["due_date", "refund_date"], ["2024-02-29", "9999-12-31"] },
        { ["due_date"], ["2025-01-0x"] },
        { ["due_date"], ["+025-01-01"] },
        { ["is_credit_note"], ["yes"] },
        { ["customer.id"], ["x"] },
        { ["charges"], ["not a list"] },
    };

    [Theory]
    [MemberData(nameof(CsvRecords))]
    public void Csv_records_read_as_the_serializer_reads_them(string[] keys, string[] cells)
    {
        var shape = CsvRowJsonReader.ShapeOf(keys);
        var expected = Outcome(() => CsvRows().Deserialize<InvoicesReportRow>(shape.Over(cells)));
        var actual = Outcome(() => new TypedRowReader(CsvRows()).Read<InvoicesReportRow>(shape.Over(cells)));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void One_csv_record_reader_moved_along_the_file_reads_as_fresh_readers_do()
    {
        string[] keys = ["id", "customer.id", "customer.name", "paid_at", "status", "brand_new"];
        string[][] records =
        [
            ["1", "42", "Ann", "2025-01-05", "open", "x"],
            ["2", "", "", "", "", ""],
            ["3", "43", "Bo", "2025-03-30T01:30:00+01:00", "brand_new_status", "y"],
        ];
        var shape = CsvRowJsonReader.ShapeOf(keys);
        var rows = new TypedRowReader(CsvRows());
        CsvRowJsonReader? reader = null;
        foreach (var cells in records)
        {
            var expected = Outcome(() => CsvRows().Deserialize<InvoicesReportRow>(shape.Over(cells)));
            reader = reader?.Over(cells) ?? shape.Over(cells);
            Assert.Equal(expected, Outcome(() => rows.Read<InvoicesReportRow>(reader)));
        }
    }

    [Fact]
    public void A_reader_reads_many_rows_and_keeps_nothing_of_one_in_the_next()
    {
        var rows = new TypedRowReader(JsonRows());
        var reader = JsonReaderOver("""[{"id":1,"status":"open","brand_new":1},{"id":2},{"status":"paid"}]""");
        reader.Read();
        var read = new List<InvoicesReportRow?>();
        while (reader.Read() && reader.TokenType == JsonToken.StartObject)
        {
            read.Add(rows.Read<InvoicesReportRow>(reader));
        }
        Assert.Equal(
            ["""{"id":1,"status":"open","brand_new":1}""", """{"id":2}""", """{"status":"paid"}"""],
            read.Select(r => TeamUpJson.Serialize(r)));
    }

    private static InvoicesReportRow? Serializer(string json, JsonSerializer serializer) => serializer.Deserialize<InvoicesReportRow>(JsonReaderOver(json));

    private static JsonTextReader JsonReaderOver(string json) =>
        new(new StringReader(json)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal };

    private static string Outcome<T>(Func<T?> read)
    {
        try
        {
            var value = read();
            return "read: " + TeamUpJson.Serialize(value);
        }
        catch (Exception exception)
        {
            return $"{exception.GetType().Name}: {exception.Message} (inner {exception.InnerException?.GetType().Name}: {exception.InnerException?.Message})";
        }
    }
}
