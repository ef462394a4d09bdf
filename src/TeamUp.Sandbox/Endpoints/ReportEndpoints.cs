using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TeamUp.Sandbox;

internal static class ReportEndpoints
{
    public static void Map(IEndpointRouteBuilder api, SandboxDataset data, JobStore jobs)
    {
        foreach (var report in ReportDefinition.All)
        {
            api.MapGet($"/reports/{report.Name}/data", (HttpContext ctx) => DataAsync(ctx, data, report));
            api.MapPost($"/reports/{report.Name}/export", (HttpContext ctx) => ExportAsync(ctx, data, jobs, report));
        }

        api.MapGet("/jobs/{id}", async (HttpContext ctx, string id) =>
        {
            var job = int.TryParse(id, out var number) ? jobs.Find(number, RequestContext.Provider(ctx).Id) : null;
            if (job is null) throw ApiError.NotFound($"Job {id}");
            await SandboxJson.WriteAsync(ctx, jobs.Render(job));
        });
    }

    private static async Task DataAsync(HttpContext ctx, SandboxDataset data, ReportDefinition report)
    {
        var provider = RequestContext.Provider(ctx);
        var p = ParamBag.FromQuery(ctx.Request.Query);
        var query = ReportQuery.Parse(report, p, data.AnchorDate);
        var page = ReportPage.Parse(p);
        var rows = query.Evaluate(data, provider);
        var slice = page.Slice(rows);

        // Buffered so the fault injector and Content-Length see a complete body; a page is at most 1000 rows.
        using var buffer = new MemoryStream();
        await ReportWriter.WriteAsync(buffer, query, rows.Count, slice, ctx.RequestAborted);
        ctx.Response.ContentType = ReportWriter.ContentType(query.Format);
        ctx.Response.Headers["X-Total-Count"] = rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ctx.Response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
    }

    private static async Task ExportAsync(HttpContext ctx, SandboxDataset data, JobStore jobs, ReportDefinition report)
    {
        var provider = RequestContext.Provider(ctx);
        var p = await ParamBag.FromBodyAsync(ctx.Request);
        var query = ReportQuery.Parse(report, p, data.AnchorDate);
        var job = jobs.Create(provider, query, query.Evaluate(data, provider));
        await SandboxJson.WriteAsync(ctx, new JsonObject { ["job"] = job.Id });
    }
}
