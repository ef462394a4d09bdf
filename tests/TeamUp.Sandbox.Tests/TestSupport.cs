using System.Net.Http.Headers;
using System.Text.Json;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TeamUp.Sandbox;

namespace TeamUp.Sandbox.Tests;

internal static class Sandboxes
{
    /// <summary>A small dataset keeps each start in the tens of milliseconds.</summary>
    public static Task<TeamUpSandbox> StartSmallAsync(Action<TeamUpSandboxOptions>? configure = null)
    {
        var options = new TeamUpSandboxOptions { Customers = 60, Invoices = 400, JobDuration = TimeSpan.Zero };
        configure?.Invoke(options);
        return TeamUpSandbox.StartAsync(options);
    }

    public static HttpClient Client(this TeamUpSandbox sandbox, int? providerId = null, string scheme = "Token")
    {
        var client = new HttpClient { BaseAddress = sandbox.BaseUrl, Timeout = TimeSpan.FromSeconds(20) };
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue(scheme, scheme == "Bearer" ? sandbox.BearerToken : sandbox.Token);
        if (providerId is { } id) client.DefaultRequestHeaders.Add("TeamUp-Provider-ID", id.ToString());
        return client;
    }

    public static async Task<JsonObject> GetJsonAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} -> {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Asserts a 4xx/5xx with the spec's Error body and returns it.</summary>
    public static async Task<JsonObject> ErrorAsync(this HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace((string?)body["detail"]));
        return body;
    }

    public static async Task<JsonObject> GetErrorAsync(this HttpClient client, string url, int status)
    {
        using var response = await client.GetAsync(url);
        return await response.ErrorAsync(status);
    }

    public static List<JsonObject> Rows(this JsonObject report) => [.. report["rows"]!.AsArray().Select(r => r!.AsObject())];

    public static decimal Decimal(this JsonNode? money) => money!["decimal"]!.GetValue<decimal>();

    public static JsonContent Json(object body) => JsonContent.Create(body, options: new JsonSerializerOptions());
}

/// <summary>One small sandbox shared by the read-only tests.</summary>
public sealed class SharedSandbox : IAsyncLifetime
{
    public TeamUpSandbox Sandbox { get; private set; } = null!;

    public async Task InitializeAsync() => Sandbox = await Sandboxes.StartSmallAsync();

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedSandboxCollection : ICollectionFixture<SharedSandbox>
{
    public const string Name = "shared sandbox";
}
