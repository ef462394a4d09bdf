using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TeamUp.Sandbox;

internal static class SandboxJson
{
    // Keep "£", "€" and "&" readable: these bodies are JSON for API clients, never embedded in HTML.
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = Options.Encoder };

    public static async Task WriteAsync(HttpContext ctx, JsonNode? node, int status = StatusCodes.Status200OK)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(node, Options);
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
    }

    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static string DateTime(DateTimeOffset d) =>
        d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static JsonObject Money(decimal amount, SandboxCurrency currency) => new()
    {
        ["decimal"] = amount,
        ["string"] = currency.Format(amount),
        ["iso_currency_code"] = currency.IsoCode,
        ["currency_symbol"] = currency.Symbol,
        ["currency_symbol_position"] = currency.SymbolPosition,
    };
}
