using System.Text.Json.Nodes;

namespace TeamUp.Sandbox.Tests;

[Collection(SharedSandboxCollection.Name)]
public sealed class InvoiceListTests(SharedSandbox shared)
{
    private TeamUpSandbox Sandbox => shared.Sandbox;

    [Fact]
    public async Task Following_next_links_visits_every_invoice_once_on_the_sandboxs_own_origin()
    {
        using var client = Sandbox.Client();
        var seen = new List<int>();
        string? url = "invoices?page_size=37&status=paid";
        var pages = 0;
        while (url is not null)
        {
            var page = await client.GetJsonAsync(url);
            seen.AddRange(page["results"]!.AsArray().Select(i => (int)i!["id"]!));
            url = (string?)page["next"];
            if (url is not null)
            {
                Assert.StartsWith(Sandbox.BaseUrl.ToString() + "invoices?", url);
                Assert.Contains("status=paid", url);
            }

            pages++;
        }

        var expected = Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId).Where(i => i.Status == "paid").Select(i => i.Id).ToList();
        Assert.Equal(expected, seen);
        Assert.Equal((expected.Count + 36) / 37, pages);
    }

    [Fact]
    public async Task Previous_link_points_back_and_is_null_on_the_first_page()
    {
        using var client = Sandbox.Client();
        var first = await client.GetJsonAsync("invoices?page_size=10");
        Assert.Null((string?)first["previous"]);
        var second = await client.GetJsonAsync((string)first["next"]!);
        var back = await client.GetJsonAsync((string)second["previous"]!);
        Assert.Equal(first["results"]!.ToJsonString(), back["results"]!.ToJsonString());
    }

    [Fact]
    public async Task Default_page_size_is_20_and_a_page_past_the_end_is_404()
    {
        using var client = Sandbox.Client();
        var page = await client.GetJsonAsync("invoices");
        Assert.Equal(20, page["results"]!.AsArray().Count);
        await client.GetErrorAsync("invoices?page=9999", 404);
    }

    [Theory]
    [InlineData("page_size=101", "page_size")]
    [InlineData("page_size=0", "page_size")]
    [InlineData("page=0", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("status=paid,bogus", "status")]
    [InlineData("sort=created_at", "sort")]
    [InlineData("expand=customer", "expand")]
    [InlineData("fields=nope", "fields")]
    [InlineData("format=xml", "format")]
    public async Task Invalid_parameters_are_400_naming_the_parameter(string query, string parameter)
    {
        using var client = Sandbox.Client();
        var error = await client.GetErrorAsync($"invoices?{query}", 400);
        Assert.StartsWith(parameter + ":", (string?)error["detail"]);
        Assert.True(error["errors"]!.AsObject().ContainsKey(parameter));
    }

    [Theory]
    [InlineData("status=paid,open")]
    [InlineData("status=paid&status=open")]
    [InlineData("status[]=paid&status[]=open")]
    public async Task Status_filter_takes_comma_separated_or_repeated_values(string query)
    {
        using var client = Sandbox.Client();
        var page = await client.GetJsonAsync($"invoices?{query}&page_size=100");
        var expected = Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId).Count(i => i.Status is "paid" or "open");
        Assert.Equal(expected, (int)page["count"]!);
        Each.Of(page["results"]!.AsArray(), i => Assert.Contains((string?)i!["status"], new[] { "paid", "open" }));
    }

    [Fact]
    public async Task Sort_by_due_date_ascending_and_descending()
    {
        using var client = Sandbox.Client();
        var asc = (await client.GetJsonAsync("invoices?sort=due_date&page_size=100"))["results"]!.AsArray().Select(i => (string)i!["due_date"]!).ToList();
        var desc = (await client.GetJsonAsync("invoices?sort=-due_date&page_size=100"))["results"]!.AsArray().Select(i => (string)i!["due_date"]!).ToList();
        Assert.Equal(asc.Order(StringComparer.Ordinal), asc);
        Assert.Equal(desc.OrderDescending(StringComparer.Ordinal), desc);
        Assert.Equal(Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId).Min(i => i.DueDate).ToString("yyyy-MM-dd"), asc[0]);
        Assert.Equal(Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId).Max(i => i.DueDate).ToString("yyyy-MM-dd"), desc[0]);
    }

    [Fact]
    public async Task Store_order_filter_returns_the_invoices_of_that_order()
    {
        var target = Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId).SelectMany(i => i.LineItems).First(l => l.StoreOrderId is not null);
        using var client = Sandbox.Client();
        var page = await client.GetJsonAsync($"invoices?store_order={target.StoreOrderId}&fields=id,line_items");
        var invoice = Assert.Single(page["results"]!.AsArray())!;
        Assert.Equal(target.InvoiceId, (int)invoice["id"]!);
        Assert.Contains(invoice["line_items"]!.AsArray(), l => (string?)l!["type"] == "store_order");
    }

    [Fact]
    public async Task List_results_leave_deferred_fields_out_unless_asked()
    {
        using var client = Sandbox.Client();
        var plain = (await client.GetJsonAsync("invoices?page_size=3"))["results"]![0]!.AsObject();
        Assert.False(plain.ContainsKey("line_items"));
        Assert.True(plain.ContainsKey("payer"));
        var expanded = (await client.GetJsonAsync("invoices?page_size=3&expand=line_items.billed_item,payer"))["results"]![0]!.AsObject();
        Assert.Equal("object", JsonValueKindOf(expanded["payer"]));
        Assert.StartsWith("billed_", (string?)expanded["line_items"]![0]!["billed_item"]!["type"]);
    }

    private static string JsonValueKindOf(JsonNode? node) => node is JsonObject ? "object" : node is JsonArray ? "array" : "value";
}
