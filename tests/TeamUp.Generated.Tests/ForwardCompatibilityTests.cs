using Newtonsoft.Json.Linq;
using TeamUp.Generated.Serialization;
using TeamUp.Generated.Tests.Infrastructure;

namespace TeamUp.Generated.Tests;

/// <summary>TeamUp adds statuses and fields without notice; none of that may break a caller or be lost.</summary>
public class ForwardCompatibilityTests
{
    // A status and fields the generated model does not know. Chosen against the generated KnownValues, and with field
    // names TeamUp would not use, so that a value or property legitimately added to the spec does not make them known.
    private static readonly string UnknownStatus = NotIn(InvoiceStatus.KnownValues.Select(v => v.ToString()), "refunded");

    private static readonly string RefundedInvoice =
        "{\"id\":7,\"object\":\"invoice\",\"status\":\"" + UnknownStatus + "\",\"due_date\":\"2024-07-29\",\"created_at\":\"2024-07-29T15:51:28.071+01:00\"," +
        "\"is_credit_note\":false,\"total_amount_due\":" + Payloads.Money45 + ",\"payer\":{\"id\":42,\"name\":\"Ann Lee\",\"zz_test_loyalty_tier\":\"gold\"}," +
        "\"legacy_invoice_key\":\"K7\",\"zz_test_refund_reason\":{\"code\":\"duplicate\",\"at\":\"2024-08-01T10:00:00+02:00\",\"amount\":12.10}}";

    private static string NotIn(IEnumerable<string> known, string candidate)
    {
        var taken = known.ToHashSet(StringComparer.Ordinal);
        var value = candidate;
        for (var i = 2; taken.Contains(value); i++) value = $"{candidate}_{i}";
        return value;
    }

    [Fact]
    public void Unknown_status_unknown_field_and_expanded_payer_deserialize()
    {
        var invoice = TeamUpJson.Deserialize<Invoice>(RefundedInvoice)!;

        Assert.Equal(UnknownStatus, invoice.Status.ToString());
        Assert.False(invoice.Status.IsKnown);
        Assert.NotEqual(InvoiceStatus.Paid, invoice.Status);
        Assert.Equal(42, invoice.Payer.Id);
        Assert.Equal("Ann Lee", invoice.Payer.Value!.Name);
        Assert.True(invoice.AdditionalProperties.ContainsKey("zz_test_refund_reason"));
        Assert.Equal("gold", invoice.Payer.Value.AdditionalProperties["zz_test_loyalty_tier"]?.ToString());
    }

    [Fact]
    public void Unknown_values_and_fields_are_written_back_unchanged()
    {
        var invoice = TeamUpJson.Deserialize<Invoice>(RefundedInvoice)!;

        var written = TeamUpJson.Serialize(invoice);

        Assert.Equal(UnknownStatus, JsonAssert.Parse(written).Value<string>("status"));
        JsonAssert.Equivalent(RefundedInvoice, written);
    }

    [Fact]
    public void Known_values_compare_equal_to_their_static_member()
    {
        var invoice = TeamUpJson.Deserialize<Invoice>(RefundedInvoice.Replace($"\"{UnknownStatus}\"", "\"pending_offline\""))!;

        Assert.Equal(InvoiceStatus.PendingOffline, invoice.Status);
        Assert.True(invoice.Status.IsKnown);
        Assert.True(InvoiceStatus.PendingOffline == "pending_offline");
    }

    [Fact]
    public void Enum_values_of_another_json_type_are_kept_as_text()
    {
        var money = TeamUpJson.Deserialize<Money>(Payloads.Money45.Replace("\"before\"", "1"))!;

        Assert.Equal("1", money.CurrencySymbolPosition.ToString());
    }

    [Fact]
    public void A_missing_required_field_is_reported_with_its_path()
    {
        var broken = RefundedInvoice.Replace($"\"status\":\"{UnknownStatus}\",", string.Empty);

        var error = Assert.Throws<Newtonsoft.Json.JsonSerializationException>(() => TeamUpJson.Deserialize<Invoice>(broken, strict: true));
        Assert.Contains("status", error.Message);
        // Read as the client reads by default: the invoice, with the broken promise listed.
        Assert.Equal(["status"], TeamUpContract.MissingRequiredFields(TeamUpJson.Deserialize<Invoice>(broken)!));
    }
}
