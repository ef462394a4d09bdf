using TeamUp.ContractReview.Review;

namespace TeamUp.ContractReview.Tests;

/// <summary>Changes TeamUp could plausibly make, applied to a copy of the project's spec (<see cref="SpecFixture"/>).</summary>
public class TeamUpScenarioTests
{
    [Fact]
    public void Removing_a_report_column_breaks_the_data_query_and_the_export_body()
    {
        var edited = SpecFixture.Edited(root => SpecFixture.RemoveEnumValue(SpecFixture.Schema(root, "InvoicesReportColumn"), "due_date"));

        var changes = Support.Review(SpecFixture.Text, edited);

        Assert.Contains(changes, c => c is { Id: "request-parameter-enum-value-removed", Level: Level.ERR, Operation: "GET /reports/invoices/data" }
                                      && c.Location.Contains("'columns'") && c.Message.Contains("'due_date'"));
        Assert.Contains(changes, c => c is { Id: "request-property-enum-value-removed", Level: Level.ERR, Operation: "POST /reports/invoices/export" }
                                      && c.Location.Contains("columns"));
        Each.Of(changes, c => Assert.Contains("enum-value-removed", c.Id));
    }

    [Fact]
    public void Adding_an_invoice_status_is_INFO_for_this_client_with_the_reason()
    {
        var edited = SpecFixture.Edited(root => SpecFixture.Schema(root, "InvoiceStatus")["enum"]!.AsArray().Add("refunded"));

        var changes = Support.Review(SpecFixture.Text, edited);

        var responses = changes.Where(c => c.Id == "response-property-enum-value-added").ToList();
        Assert.True(responses.Count > 0, "no response-property-enum-value-added; the review found: " + Describe(changes));
        Each.Of(responses, c =>
        {
            Assert.Equal(Level.INFO, c.Level);
            Assert.Equal(Level.WARN, c.OasdiffLevel);
            Assert.Contains("keeps enum values it does not know", c.ClientNote);
        });
        Assert.DoesNotContain(changes, c => c.Level > Level.INFO);
    }

    [Fact]
    public void Making_columns_required_breaks_callers_that_leave_it_out()
    {
        var edited = SpecFixture.Edited(root => SpecFixture.Parameter(root, "/reports/invoices/data", "get", "columns")["required"] = true);

        var change = Assert.Single(Support.Review(SpecFixture.Text, edited));

        Assert.Equal(("request-parameter-became-required", Level.ERR, "GET /reports/invoices/data"), (change.Id, change.Level, change.Operation));
        Assert.Contains("'columns'", change.Location);
    }

    [Fact]
    public void Money_decimal_as_a_string_breaks_every_response_that_carries_money()
    {
        var edited = SpecFixture.Edited(root => SpecFixture.Schema(root, "Money")["properties"]!["decimal"]!["type"] = "string");

        var changes = Support.Review(SpecFixture.Text, edited);

        Assert.True(changes.Count > 0, "the review found no change for Money.decimal becoming a string");
        Each.Of(changes, c =>
        {
            Assert.Equal(Level.ERR, c.Level);
            Assert.EndsWith("/decimal", c.Location);
            Assert.Contains("from number (decimal) to string (decimal)", c.Message);
        });
        Assert.Contains(changes, c => c.Id == "response-property-type-changed" && c.Operation == "GET /invoices/{id}");
    }

    [Fact]
    public void The_spec_compared_with_itself_has_no_change()
    {
        Assert.Empty(Support.Review(SpecFixture.Text, SpecFixture.Text));
    }

    private static string Describe(IEnumerable<Change> changes) =>
        string.Join("; ", changes.Select(c => $"{c.Id} {c.Level} {c.Operation} {c.Location}").DefaultIfEmpty("nothing"));
}
