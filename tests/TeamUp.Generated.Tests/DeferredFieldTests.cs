using Newtonsoft.Json.Linq;
using TeamUp.Generated.Serialization;
using TeamUp.Generated.Tests.Infrastructure;

namespace TeamUp.Generated.Tests;

/// <summary>charges, line_items, discounts, adjustments, applied_credits, taxes, credit_notes: absent unless asked for.</summary>
public class DeferredFieldTests
{
    public static TheoryData<string, Func<Invoice, object?>> DeferredFields => new()
    {
        { "charges", i => i.Charges },
        { "line_items", i => i.LineItems },
        { "discounts", i => i.Discounts },
        { "adjustments", i => i.Adjustments },
        { "applied_credits", i => i.AppliedCredits },
        { "taxes", i => i.Taxes },
        { "credit_notes", i => i.CreditNotes },
    };

    [Theory]
    [MemberData(nameof(DeferredFields))]
    public void Not_requested_reads_as_null_and_is_not_written(string field, Func<Invoice, object?> read)
    {
        var invoice = TeamUpJson.Deserialize<Invoice>(Payloads.MinimalInvoice)!;

        Assert.Null(read(invoice));
        Assert.False(JObject.Parse(TeamUpJson.Serialize(invoice)).ContainsKey(field));
    }

    [Theory]
    [MemberData(nameof(DeferredFields))]
    public void Requested_and_empty_reads_as_an_empty_list_and_is_written(string field, Func<Invoice, object?> read)
    {
        var invoice = TeamUpJson.Deserialize<Invoice>(Payloads.MinimalInvoice.TrimEnd('}') + $",\"{field}\":[]}}")!;

        var list = Assert.IsAssignableFrom<System.Collections.IEnumerable>(read(invoice));
        Assert.Empty(list);
        Assert.Equal(JTokenType.Array, JObject.Parse(TeamUpJson.Serialize(invoice))[field]!.Type);
    }

    [Fact]
    public void Every_deferred_field_can_be_requested_with_a_typed_expand_value()
    {
        var expandable = InvoiceExpand.KnownValues.Select(v => v.ToString()).ToHashSet();

        foreach (var field in DeferredFields.Select(row => (string)row[0]))
        {
            Assert.Contains(field, expandable);
        }
    }

    [Fact]
    public void Spec_marks_exactly_these_fields_deferred_and_optional()
    {
        var invoice = (JObject)SpecDocument.Parsed["components"]!["schemas"]!["Invoice"]!;
        var deferred = ((JObject)invoice["properties"]!).Properties()
            .Where(p => p.Value["x-deferred"]?.Value<bool>() == true).Select(p => p.Name).Order();
        var required = invoice["required"]!.Values<string>().ToHashSet();

        Assert.Equal(DeferredFields.Select(row => (string)row[0]).Order(), deferred);
        Assert.DoesNotContain(required, r => DeferredFields.Any(row => (string)row[0] == r));
    }
}
