using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Routing;

namespace TeamUp.Sandbox;

internal static class InvoiceEndpoints
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static readonly string[] Statuses =
        ["open", "paid", "pending_offline", "pending", "failed", "voided", "retrying", "retry_failed", "upcoming", "draft", "skipped"];

    public static void Map(IEndpointRouteBuilder api, SandboxDataset data)
    {
        api.MapGet("/invoices", (HttpContext ctx) => ListAsync(ctx, data));
        api.MapGet("/invoices/{id}", (HttpContext ctx, string id) => RetrieveAsync(ctx, data, id));
    }

    private static async Task ListAsync(HttpContext ctx, SandboxDataset data)
    {
        var provider = RequestContext.Provider(ctx);
        var p = ParamBag.FromQuery(ctx.Request.Query);
        CheckFormat(p);
        var view = InvoiceView.Parse(p);
        var page = p.GetInt("page", 1) ?? 1;
        var pageSize = p.GetInt("page_size", 1, MaxPageSize) ?? DefaultPageSize;

        IEnumerable<SandboxInvoice> invoices = data.InvoicesFor(provider.Id);
        if (p.GetList("status") is { } statuses)
        {
            foreach (var s in statuses.Where(s => !Statuses.Contains(s)))
                throw ApiError.Invalid("status", $"\"{s}\" is not a valid choice; use one of {string.Join(", ", Statuses)}.");
            invoices = invoices.Where(i => statuses.Contains(i.Status));
        }

        if (p.GetInt("store_order") is { } storeOrder)
            invoices = invoices.Where(i => i.LineItems.Any(l => l.StoreOrderId == storeOrder));

        var sort = p.GetList("sort") ?? [];
        foreach (var s in sort.Where(s => s is not ("due_date" or "-due_date")))
            throw ApiError.Invalid("sort", $"\"{s}\" is not a valid choice; use due_date or -due_date.");
        // Ties (many invoices share a due date) break on id so pages never overlap.
        invoices = sort.LastOrDefault() switch
        {
            "due_date" => invoices.OrderBy(i => i.DueDate).ThenBy(i => i.Id),
            "-due_date" => invoices.OrderByDescending(i => i.DueDate).ThenByDescending(i => i.Id),
            _ => invoices,
        };

        var all = invoices.ToList();
        var pages = Math.Max(1, (all.Count + pageSize - 1) / pageSize);
        if (page > pages) throw new ApiError(StatusCodes.Status404NotFound, "not_found", $"Invalid page: page {page} is past the last page ({pages}).");

        var results = all.Skip((page - 1) * pageSize).Take(pageSize)
            .Select(i => (JsonNode)InvoiceRenderer.Render(i, data, provider, view));
        var body = new JsonObject
        {
            ["count"] = all.Count,
            ["next"] = page < pages ? PageUrl(ctx, page + 1) : null,
            ["previous"] = page > 1 ? PageUrl(ctx, page - 1) : null,
            ["results"] = new JsonArray([.. results]),
        };
        await SandboxJson.WriteAsync(ctx, body);
    }

    private static async Task RetrieveAsync(HttpContext ctx, SandboxDataset data, string id)
    {
        var provider = RequestContext.Provider(ctx);
        var p = ParamBag.FromQuery(ctx.Request.Query);
        CheckFormat(p);
        var view = InvoiceView.Parse(p);
        var invoice = int.TryParse(id, out var number) ? data.FindInvoice(number) : null;
        // Another provider's invoice is as invisible as a missing one.
        if (invoice is null || invoice.ProviderId != provider.Id) throw ApiError.NotFound($"Invoice {id}");
        await SandboxJson.WriteAsync(ctx, InvoiceRenderer.Render(invoice, data, provider, view));
    }

    private static void CheckFormat(ParamBag p)
    {
        var format = p.Get("format");
        if (format is null or "json") return;
        throw ApiError.Invalid("format", format == "xml"
            ? "xml is documented but the sandbox only speaks json."
            : $"\"{format}\" is not a valid choice; use json.");
    }

    /// <summary>Absolute link on this server's own origin with every other query parameter kept.</summary>
    private static string PageUrl(HttpContext ctx, int page)
    {
        var query = ctx.Request.Query
            .Where(kv => kv.Key != "page")
            .SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string?>(kv.Key, v)))
            .Append(new KeyValuePair<string, string?>("page", page.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return $"{RequestContext.Origin(ctx)}{ctx.Request.PathBase}{ctx.Request.Path}{QueryString.Create(query)}";
    }
}
