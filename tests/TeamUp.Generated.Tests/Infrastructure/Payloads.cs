namespace TeamUp.Generated.Tests.Infrastructure;

/// <summary>Small, valid TeamUp payloads for tests that need a response but do not test its content.</summary>
public static class Payloads
{
    public const string Money45 = "{\"decimal\":45,\"string\":\"£45\",\"iso_currency_code\":\"gbp\",\"currency_symbol\":\"£\",\"currency_symbol_position\":\"before\"}";

    public const string MinimalInvoice =
        "{\"id\":1234,\"object\":\"invoice\",\"status\":\"paid\",\"due_date\":\"2024-07-29\",\"created_at\":\"2024-07-29T15:51:28.071Z\"," +
        "\"is_credit_note\":false,\"total_amount_due\":" + Money45 + ",\"payer\":42,\"legacy_invoice_key\":\"INV-1234\"}";

    public const string EmptyReport = "{\"total\":0,\"column_headers\":[],\"rows\":[]}";
}
