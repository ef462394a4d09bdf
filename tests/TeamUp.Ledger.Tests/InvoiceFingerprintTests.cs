using TeamUp.Generated;

namespace TeamUp.Ledger.Tests;

public sealed class InvoiceFingerprintTests
{
    private static Invoice Invoice(decimal amount = 45m, string status = "open", IReadOnlyList<InvoiceLineItem>? lines = null) => new()
    {
        Id = 7,
        Status = new InvoiceStatus(status),
        DueDate = new DateOnly(2026, 12, 1),
        TotalAmountDue = new Money { Decimal = amount, IsoCurrencyCode = "gbp", String = "£45" },
        Payer = new Expandable<Customer>(3),
        LegacyInvoiceKey = "inv_1",
        LineItems = lines,
    };

    private static InvoiceLineItem Line(int id, decimal price) => new()
    {
        Id = id,
        Type = new LineItemType("membership"),
        BilledItem = new Expandable<BilledItem>(9),
        Price = new Money { Decimal = price, IsoCurrencyCode = "gbp" },
        TotalAmountDue = new Money { Decimal = price, IsoCurrencyCode = "gbp" },
    };

    [Fact]
    public void The_booked_fields_change_the_version_and_trailing_zeros_or_the_legacy_key_do_not()
    {
        var version = InvoiceFingerprint.Of(Invoice());

        Assert.Matches("^f1:[0-9a-f]{16}$", version);
        Assert.Equal(version, InvoiceFingerprint.Of(Invoice(45.00m)));
        var otherKey = Invoice();
        otherKey.LegacyInvoiceKey = "inv_2";
        Assert.Equal(version, InvoiceFingerprint.Of(otherKey));
        Assert.NotEqual(version, InvoiceFingerprint.Of(Invoice(46m)));
        Assert.NotEqual(version, InvoiceFingerprint.Of(Invoice(status: "paid")));
        var otherPayer = Invoice();
        otherPayer.Payer = new Expandable<Customer>(4);
        Assert.NotEqual(version, InvoiceFingerprint.Of(otherPayer));
        var otherDue = Invoice();
        otherDue.DueDate = otherDue.DueDate.AddDays(1);
        Assert.NotEqual(version, InvoiceFingerprint.Of(otherDue));
    }

    [Fact]
    public void Lines_count_only_when_both_versions_have_them()
    {
        var plain = InvoiceFingerprint.Of(Invoice());
        var withLines = InvoiceFingerprint.Of(Invoice(lines: [Line(1, 45m)]));
        var otherLines = InvoiceFingerprint.Of(Invoice(lines: [Line(1, 40m), Line(2, 5m)]));

        Assert.Matches("^f1:[0-9a-f]{16}\\.l[0-9a-f]{16}$", withLines);
        Assert.True(InvoiceFingerprint.Same(plain, withLines));
        Assert.True(InvoiceFingerprint.Same(withLines, plain));
        Assert.False(InvoiceFingerprint.Same(withLines, otherLines));
        Assert.False(InvoiceFingerprint.Same(plain, InvoiceFingerprint.Of(Invoice(46m, lines: [Line(1, 45m)]))));
        Assert.False(InvoiceFingerprint.Same("f0:whatever", plain));
    }

    [Fact]
    public void Idempotency_keys_depend_on_system_invoice_and_version_only()
    {
        var key = ExportIdempotencyKey.For("xero", 7, "f1:abc");

        Assert.Matches("^teamup-[0-9a-f]{32}$", key);
        Assert.Equal(key, ExportIdempotencyKey.For("xero", 7, "f1:abc"));
        Assert.NotEqual(key, ExportIdempotencyKey.For("datev", 7, "f1:abc"));
        Assert.NotEqual(key, ExportIdempotencyKey.For("xero", 8, "f1:abc"));
        Assert.NotEqual(key, ExportIdempotencyKey.For("xero", 7, "f1:abd"));
        Assert.Equal(ExportIdempotencyKey.ForBatch(["b", "a"]), ExportIdempotencyKey.ForBatch(["a", "b"]));
    }

    [Theory]
    [InlineData("xero", true)]
    [InlineData("datev-prod", true)]
    [InlineData("a.b_c-D9", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("ümlaut", false)]
    [InlineData("x/y", false)]
    public void System_names(string name, bool valid)
    {
        Assert.Equal(valid, ExportSystem.IsValid(name));
        Assert.True(ExportSystem.IsValid(new string('a', 64)));
        Assert.False(ExportSystem.IsValid(new string('a', 65)));
    }
}
