using System.Text;
using BenchmarkDotNet.Attributes;
using Newtonsoft.Json.Linq;
using TeamUp.Generated;
using TeamUp.Generated.Serialization;

namespace TeamUp.Benchmarks;

/// <summary>
/// Reading a full invoice page (100 invoices, expanded payers, line items with billed items) into the typed
/// models, against the cost of merely parsing the same JSON into a JToken tree. Target: typed reading stays
/// within 2x of the untyped parse, i.e. the expandable, discriminator and enum converters add little.
/// </summary>
[MemoryDiagnoser]
public class InvoicePageBenchmarks
{
    private string _page = string.Empty;

    [Params(false, true)]
    public bool Expanded { get; set; }

    [GlobalSetup]
    public void Setup() => _page = SamplePayloads.InvoicePage(100, Expanded);

    [Benchmark(Baseline = true, Description = "JToken.Parse (untyped)")]
    public JToken ParseUntyped() => JToken.Parse(_page);

    [Benchmark(Description = "TeamUpJson.Deserialize<InvoiceList>")]
    public InvoiceList? ReadTyped() => TeamUpJson.Deserialize<InvoiceList>(_page);

    [Benchmark(Description = "read + write back")]
    public string RoundTrip() => TeamUpJson.Serialize(TeamUpJson.Deserialize<InvoiceList>(_page));
}

internal static class SamplePayloads
{
    private const string Money = "{\"decimal\":45.50,\"string\":\"£45.50\",\"iso_currency_code\":\"gbp\",\"currency_symbol\":\"£\",\"currency_symbol_position\":\"before\"}";

    public static string InvoicePage(int count, bool expanded)
    {
        var json = new StringBuilder("{\"count\":").Append(count).Append(",\"next\":null,\"previous\":null,\"results\":[");
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }
            var payer = expanded ? $"{{\"id\":{i + 1000},\"name\":\"Customer {i}\"}}" : (i + 1000).ToString();
            var billed = expanded ? $"{{\"id\":{i},\"name\":\"Water\",\"type\":\"billed_store_product\",\"quantity\":2,\"memo\":\"\"}}" : i.ToString();
            json.Append($"{{\"id\":{i},\"object\":\"invoice\",\"status\":\"{(i % 7 == 0 ? "refunded" : "paid")}\",\"due_date\":\"2024-07-29\",")
                .Append("\"created_at\":\"2024-07-29T15:51:28.071+01:00\",\"is_credit_note\":false,")
                .Append($"\"total_amount_due\":{Money},\"payer\":{payer},\"legacy_invoice_key\":\"K{i}\",")
                .Append($"\"line_items\":[{{\"id\":{i},\"object\":\"invoice_line_item\",\"billed_item\":{billed},\"type\":\"store_order\",")
                .Append($"\"price\":{Money},\"total_amount_due\":{Money}}}]}}");
        }
        return json.Append("]}").ToString();
    }
}
