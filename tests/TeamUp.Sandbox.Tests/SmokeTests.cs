namespace TeamUp.Sandbox.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Default_sandbox_serves_invoices()
    {
        await using var sandbox = await TeamUpSandbox.StartAsync();
        using var client = sandbox.Client();
        var list = await client.GetJsonAsync("invoices?page_size=2&expand=payer,line_items.billed_item");
        Assert.Equal(2, list["results"]!.AsArray().Count);
        Assert.StartsWith("http://127.0.0.1:", sandbox.BaseUrl.ToString());
    }
}
