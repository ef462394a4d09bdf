using TeamUp.Generated;

namespace TeamUp.Client.Tests;

/// <summary>How a CSV export row becomes the JSON row of the same report, so typed rows read from either format.</summary>
public class ExportFileReaderTests
{
    [Theory]
    [InlineData("due_date", "due_date")]
    [InlineData("Due Date", "due_date")]
    [InlineData(" Customer.ID ", "customer.id")]
    [InlineData("Total amount (inc. tax)", "total_amount_inc._tax")]
    public void Headers_read_as_column_keys(string header, string key) => Assert.Equal(key, ExportFileReader.ColumnKey(header));

    [Fact]
    public void Dotted_keys_nest_empty_cells_are_null_and_json_cells_are_parsed()
    {
        var row = ExportFileReader.ToJsonRow(
            ["id", "customer.id", "customer.name", "paid_at", "refunded_invoice"],
            ["7", "42", "Ann Lee", "", "{\"id\":3}"]);

        Assert.Equal("42", (string?)row["customer"]!["id"]);
        Assert.Equal("Ann Lee", (string?)row["customer"]!["name"]);
        Assert.Equal(Newtonsoft.Json.Linq.JTokenType.Null, row["paid_at"]!.Type);
        Assert.Equal(3, (int)row["refunded_invoice"]!["id"]!);
    }

    [Fact]
    public void A_json_cell_and_dotted_columns_of_the_same_object_merge()
    {
        var row = ExportFileReader.ToJsonRow(["customer.id", "customer"], ["42", "{\"name\":\"Ann\"}"]);

        Assert.Equal("42", (string?)row["customer"]!["id"]);
        Assert.Equal("Ann", (string?)row["customer"]!["name"]);
    }

    [Fact]
    public void Text_that_only_starts_like_json_stays_text()
    {
        var row = ExportFileReader.ToJsonRow(["memo"], ["{not json"]);

        Assert.Equal("{not json", (string?)row["memo"]);
    }
}
