using Newtonsoft.Json.Linq;
using TeamUp.Generated.Serialization;
using TeamUp.Generated.Tests.Infrastructure;

namespace TeamUp.Generated.Tests;

/// <summary>payer, payment_processor, billed_item, discount_code and purchase_fee: an id, or the object when expanded.</summary>
public class ExpandableFieldTests
{
    private static string Invoice(string payer) => Payloads.MinimalInvoice.Replace("\"payer\":42", "\"payer\":" + payer);

    [Fact]
    public void An_id_reads_as_not_expanded_and_writes_back_as_an_id()
    {
        var invoice = TeamUpJson.Deserialize<Invoice>(Invoice("42"))!;

        Assert.Equal(42, invoice.Payer.Id);
        Assert.False(invoice.Payer.IsExpanded);
        Assert.Null(invoice.Payer.Value);
        Assert.Equal(42, JObject.Parse(TeamUpJson.Serialize(invoice)).Value<int>("payer"));
    }

    [Fact]
    public void An_object_reads_as_expanded_and_writes_back_as_the_object()
    {
        var invoice = TeamUpJson.Deserialize<Invoice>(Invoice("{\"id\":42,\"name\":\"Ann Lee\"}"))!;

        Assert.True(invoice.Payer.IsExpanded);
        Assert.Equal(42, invoice.Payer.Id);
        Assert.Equal("Ann Lee", invoice.Payer.Value!.Name);
        var payer = JObject.Parse(TeamUpJson.Serialize(invoice))["payer"]!;
        Assert.Equal(JTokenType.Object, payer.Type);
        Assert.Equal("Ann Lee", payer.Value<string>("name"));
    }

    [Fact]
    public void Null_stays_null()
    {
        // Every expandable field is required in the spec, so null reaches the converter only where TeamUp breaks that.
        Assert.Null(TeamUpJson.Deserialize<Expandable<Customer>>("null"));
        Assert.Equal("null", TeamUpJson.Serialize((Expandable<Customer>?)null));
    }

    [Fact]
    public void An_expanded_object_without_an_id_is_a_clear_error()
    {
        var error = Assert.Throws<Newtonsoft.Json.JsonSerializationException>(() => TeamUpJson.Deserialize<Invoice>(Invoice("{\"name\":\"Ann\"}")));

        Assert.Contains("payer", error.Message);
        Assert.Contains("id", error.Message);
    }

    [Theory]
    [InlineData("billed_course_session_registration", typeof(BilledCourseSessionRegistration))]
    [InlineData("billed_event_registration", typeof(BilledEventRegistration))]
    [InlineData("billed_flat_fee", typeof(BilledFlatFee))]
    [InlineData("billed_membership", typeof(BilledMembership))]
    [InlineData("billed_course_registration", typeof(BilledCourseRegistration))]
    [InlineData("billed_store_product", typeof(BilledStoreProduct))]
    [InlineData("billed_membership_penalty", typeof(BilledMembershipPenalty))]
    [InlineData("billed_joining_fee", typeof(BilledJoiningFee))]
    [InlineData("billed_gift_card", typeof(BilledGiftCard))]
    public void Billed_item_resolves_to_its_kind_and_round_trips(string kind, Type expected)
    {
        var json = LineItem($"{{\"id\":5,\"name\":\"Thing\",\"type\":\"{kind}\",\"quantity\":2,\"memo\":\"m\"}}");

        var item = TeamUpJson.Deserialize<InvoiceLineItem>(json)!;

        Assert.IsType(expected, item.BilledItem!.Value);
        Assert.Equal(kind, item.BilledItem.Value!.Type);
        Assert.True(item.BilledItem.Value.IsKnownKind);
        var written = JObject.Parse(TeamUpJson.Serialize(item))["billed_item"]!;
        Assert.Equal(kind, written.Value<string>("type"));
        Assert.Equal(5, written.Value<int>("id"));
    }

    [Fact]
    public void Billed_store_product_keeps_its_own_fields()
    {
        var item = TeamUpJson.Deserialize<InvoiceLineItem>(LineItem("{\"id\":5,\"name\":\"Water\",\"type\":\"billed_store_product\",\"quantity\":3,\"memo\":\"cold\"}"))!;

        var product = Assert.IsType<BilledStoreProduct>(item.BilledItem!.Value);
        Assert.Equal(3, product.Quantity);
        Assert.Equal("cold", product.Memo);
    }

    [Fact]
    public void An_unknown_billed_item_kind_keeps_its_id_name_and_kind()
    {
        var item = TeamUpJson.Deserialize<InvoiceLineItem>(LineItem("{\"id\":9,\"name\":\"Locker hire\",\"type\":\"billed_locker\",\"locker\":\"B12\"}"))!;

        var billed = item.BilledItem!.Value!;
        Assert.Equal(typeof(BilledItem), billed.GetType());
        Assert.False(billed.IsKnownKind);
        Assert.Equal(9, billed.Id);
        Assert.Equal("Locker hire", billed.Name);
        Assert.Equal("billed_locker", billed.Type);
        var written = JObject.Parse(TeamUpJson.Serialize(item))["billed_item"]!;
        Assert.Equal("billed_locker", written.Value<string>("type"));
        Assert.Equal("B12", written.Value<string>("locker"));
    }

    [Fact]
    public void A_kind_created_in_code_writes_its_discriminator()
    {
        var json = JObject.Parse(TeamUpJson.Serialize(new BilledGiftCard { Id = 3, Name = "Gift" }));

        Assert.Equal("billed_gift_card", json.Value<string>("type"));
    }

    [Fact]
    public void Discount_code_and_purchase_fee_expand_too()
    {
        var discount = TeamUpJson.Deserialize<InvoiceDiscount>(
            "{\"id\":1,\"object\":\"invoice_discount\",\"discount_code\":17,\"amount\":" + Payloads.Money45 + "}")!;
        var tax = TeamUpJson.Deserialize<InvoiceTax>(
            "{\"id\":2,\"object\":\"invoice_tax\",\"purchase_fee\":{\"id\":8,\"object\":\"purchase_fee\",\"name\":\"VAT\",\"description\":\"Standard rate\",\"type\":\"percent\"},\"amount\":" + Payloads.Money45 + "}")!;

        Assert.Equal(17, discount.DiscountCode!.Id);
        Assert.False(discount.DiscountCode.IsExpanded);
        Assert.Equal(8, tax.PurchaseFee!.Id);
        Assert.Equal("VAT", tax.PurchaseFee.Value!.Name);
    }

    private static string LineItem(string billedItem) =>
        "{\"id\":1,\"object\":\"invoice_line_item\",\"billed_item\":" + billedItem + ",\"type\":\"store_order\",\"price\":" + Payloads.Money45 +
        ",\"total_amount_due\":" + Payloads.Money45 + "}";
}
