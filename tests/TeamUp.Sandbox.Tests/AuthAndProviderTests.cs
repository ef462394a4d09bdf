using System.Net.Http.Headers;

namespace TeamUp.Sandbox.Tests;

[Collection(SharedSandboxCollection.Name)]
public sealed class AuthAndProviderTests(SharedSandbox shared)
{
    private TeamUpSandbox Sandbox => shared.Sandbox;

    [Fact]
    public async Task Missing_credentials_are_401_with_an_error_body()
    {
        using var client = new HttpClient { BaseAddress = Sandbox.BaseUrl };
        var error = await client.GetErrorAsync("invoices", 401);
        Assert.Equal("not_authenticated", (string?)error["code"]);
    }

    [Theory]
    [InlineData("Token", "wrong")]
    [InlineData("Bearer", "wrong")]
    [InlineData("Basic", "dXNlcjpwYXNz")]
    public async Task Wrong_credentials_are_401(string scheme, string value)
    {
        using var client = new HttpClient { BaseAddress = Sandbox.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, value);
        var error = await client.GetErrorAsync("reports/invoices/data?format=json", 401);
        Assert.Equal("authentication_failed", (string?)error["code"]);
    }

    [Fact]
    public async Task The_api_token_and_the_bearer_token_are_both_accepted_but_not_swapped()
    {
        using var token = Sandbox.Client();
        using var bearer = Sandbox.Client(scheme: "Bearer");
        await token.GetJsonAsync("invoices");
        await bearer.GetJsonAsync("invoices");

        using var swapped = new HttpClient { BaseAddress = Sandbox.BaseUrl };
        swapped.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Sandbox.Token);
        await swapped.GetErrorAsync("invoices", 401);
    }

    [Fact]
    public async Task Every_response_carries_a_request_id_even_errors()
    {
        using var client = new HttpClient { BaseAddress = Sandbox.BaseUrl };
        using var anonymous = await client.GetAsync("invoices");
        using var authed = await Sandbox.Client().GetAsync("invoices");
        using var notFound = await Sandbox.Client().GetAsync("nope");
        foreach (var r in new[] { anonymous, authed, notFound })
            Assert.StartsWith("req_", r.Headers.GetValues("X-Request-Id").Single());
        Assert.NotEqual(anonymous.Headers.GetValues("X-Request-Id").Single(), authed.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal(404, (int)notFound.StatusCode);
    }

    [Fact]
    public async Task Without_a_provider_header_the_first_provider_answers_in_pounds()
    {
        using var client = Sandbox.Client();
        var invoice = (await client.GetJsonAsync("invoices?page_size=1"))["results"]![0]!;
        Assert.Equal("gbp", (string?)invoice["total_amount_due"]!["iso_currency_code"]);
        Assert.StartsWith("£", (string?)invoice["total_amount_due"]!["string"]);
        Assert.Equal(Sandbox.DefaultProviderId, Sandbox.Data.FindInvoice((int)invoice["id"]!)!.ProviderId);
    }

    [Fact]
    public async Task The_provider_header_selects_the_second_providers_data_and_currency()
    {
        var second = Sandbox.ProviderIds[1];
        using var client = Sandbox.Client(second);
        var list = await client.GetJsonAsync("invoices?page_size=5");
        Assert.Equal(Sandbox.Data.InvoicesFor(second).Count, (int)list["count"]!);
        foreach (var invoice in list["results"]!.AsArray())
        {
            Assert.Equal(second, Sandbox.Data.FindInvoice((int)invoice!["id"]!)!.ProviderId);
            var money = invoice["total_amount_due"]!;
            Assert.Equal("eur", (string?)money["iso_currency_code"]);
            Assert.Equal("after", (string?)money["currency_symbol_position"]);
            Assert.EndsWith(" €", (string?)money["string"]);
        }

        var report = await client.GetJsonAsync("reports/invoices/data?format=json&columns=total_amount&limit=3");
        Each.Of(report.Rows(), r => Assert.Equal("€", (string?)r["total_amount"]!["currency_symbol"]));
    }

    [Fact]
    public async Task Another_providers_invoice_is_not_found()
    {
        var foreign = Sandbox.Data.InvoicesFor(Sandbox.ProviderIds[1])[0];
        using var client = Sandbox.Client(Sandbox.ProviderIds[0]);
        await client.GetErrorAsync($"invoices/{foreign.Id}", 404);
    }

    [Theory]
    [InlineData("999")]
    [InlineData("abc")]
    public async Task An_unknown_provider_is_403(string provider)
    {
        using var client = Sandbox.Client();
        client.DefaultRequestHeaders.Add("TeamUp-Provider-ID", provider);
        var error = await client.GetErrorAsync("invoices", 403);
        Assert.Contains(provider, (string?)error["detail"]);
    }

    [Fact]
    public async Task Request_mode_is_accepted_and_validated()
    {
        using var ok = Sandbox.Client();
        ok.DefaultRequestHeaders.Add("Teamup-Request-Mode", "provider");
        await ok.GetJsonAsync("invoices?page_size=1");
        using var bad = Sandbox.Client();
        bad.DefaultRequestHeaders.Add("Teamup-Request-Mode", "admin");
        var error = await bad.GetErrorAsync("invoices", 400);
        Assert.Contains("Teamup-Request-Mode", (string?)error["detail"]);
    }
}
