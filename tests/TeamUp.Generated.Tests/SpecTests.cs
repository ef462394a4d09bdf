using System.Text.RegularExpressions;
using Microsoft.OpenApi.Reader;
using Newtonsoft.Json.Linq;
using TeamUp.Generated.Tests.Infrastructure;

namespace TeamUp.Generated.Tests;

/// <summary>The hand-curated spec is read by Microsoft.OpenApi and checked against the doc pages.</summary>
public partial class SpecTests
{
    public static TheoryData<string, string> ReportPages => new()
    {
        { "endpoints_reports-invoices-data-get-data.md", "InvoicesReportColumn" },
        { "endpoints_reports-invoices-export-export-data.md", "InvoicesReportColumn" },
        { "endpoints_reports-invoices-grouped-data-get-data.md", "InvoicesGroupedReportColumn" },
        { "endpoints_reports-invoices-grouped-export-export-data.md", "InvoicesGroupedReportColumn" },
        { "endpoints_reports-invoice-line-items-data-get-data.md", "InvoiceLineItemsReportColumn" },
        { "endpoints_reports-invoice-line-items-export-export-data.md", "InvoiceLineItemsReportColumn" },
        { "endpoints_reports-invoice-line-items-grouped-data-get-data.md", "InvoiceLineItemsGroupedReportColumn" },
        { "endpoints_reports-invoice-line-items-grouped-export-export-data.md", "InvoiceLineItemsGroupedReportColumn" },
    };

    [Fact]
    public void Spec_parses_without_errors_or_warnings()
    {
        var result = OpenApiModelFactory.Parse(SpecDocument.Json, "json", new OpenApiReaderSettings());

        Assert.Empty(result.Diagnostic!.Errors);
        Assert.Empty(result.Diagnostic.Warnings);
        Assert.Equal(11, result.Document!.Paths.Count);
    }

    [Fact]
    public void Spec_has_the_eleven_operations_each_with_operation_id_tag_and_summary()
    {
        var operations = Operations().ToList();

        Assert.Equal(11, operations.Count);
        Assert.Equal(
            ["Invoices_List", "Invoices_Retrieve", "Jobs_Retrieve", "Reports_ExportInvoiceLineItems", "Reports_ExportInvoiceLineItemsGrouped",
             "Reports_ExportInvoices", "Reports_ExportInvoicesGrouped", "Reports_GetInvoiceLineItemsData", "Reports_GetInvoiceLineItemsGroupedData",
             "Reports_GetInvoicesData", "Reports_GetInvoicesGroupedData"],
            operations.Select(o => o.Value<string>("operationId")).Order());
        foreach (var operation in operations)
        {
            var id = operation.Value<string>("operationId")!;
            var tags = operation["tags"]!.Values<string>().ToList();
            Assert.Single(tags);
            Assert.Equal(id.Split('_')[0], tags[0]);
            Assert.False(string.IsNullOrWhiteSpace(operation.Value<string>("summary")), id);
        }
    }

    [Theory]
    [MemberData(nameof(ReportPages))]
    public void Every_documented_column_is_in_its_enum(string page, string enumName)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "DocPages", page));
        var lists = ColumnList().Matches(text).Select(m => m.Groups[1].Value.Split(", ")).ToList();
        var spec = SpecDocument.Parsed["components"]!["schemas"]![enumName]!["enum"]!.Values<string>().ToList();

        Assert.NotEmpty(lists);
        foreach (var documented in lists)
        {
            // One way only: the pages are a copy taken once, and a column TeamUp adds later goes into the spec
            // (README, "Changing the spec") without a new copy of the pages.
            Assert.Empty(documented.Except(spec));
        }
    }

    [Fact]
    public void Inferred_parts_are_marked_and_explained()
    {
        var schemas = SpecDocument.Parsed["components"]!["schemas"]!;
        foreach (var name in new[] { "Job", "Error", "InvoiceExpand", "Money" })
        {
            Assert.Equal("inferred", schemas[name]!.Value<string>("x-teamup-source"));
            Assert.False(string.IsNullOrWhiteSpace(schemas[name]!.Value<string>("description")), name);
        }
        var jobs = SpecDocument.Parsed["paths"]!["/jobs/{id}"]!["get"]!;
        Assert.Equal("inferred", jobs.Value<string>("x-teamup-source"));
    }

    [Fact]
    public void Every_expandable_field_names_its_object_and_offers_both_shapes()
    {
        var expandables = Descendants(SpecDocument.Parsed).OfType<JObject>().Where(o => o["x-expandable"] is not null).ToList();

        Assert.Equal(["BilledItem", "Customer", "DiscountCode", "PaymentProcessor", "PurchaseFee"],
            expandables.Select(e => e.Value<string>("x-expandable")!).Distinct().Order());
        foreach (var field in expandables)
        {
            var branches = field["oneOf"]!.ToList();
            Assert.Equal("integer", branches[0].Value<string>("type"));
            Assert.EndsWith("/" + field.Value<string>("x-expandable"), branches[1].Value<string>("$ref"));
        }
    }

    private static IEnumerable<JObject> Operations() =>
        ((JObject)SpecDocument.Parsed["paths"]!).Properties()
            .SelectMany(path => ((JObject)path.Value).Properties())
            .Where(op => op.Name is "get" or "post" or "put" or "patch" or "delete")
            .Select(op => (JObject)op.Value);

    private static IEnumerable<JToken> Descendants(JToken token) => token is JContainer c ? c.DescendantsAndSelf() : [token];

    [GeneratedRegex(@"columns ?string\[\](?:required)?Possible values: \[([^\]]*)\]")]
    private static partial Regex ColumnList();
}
