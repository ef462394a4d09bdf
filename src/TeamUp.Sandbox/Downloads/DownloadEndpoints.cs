using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TeamUp.Sandbox;

/// <summary>The second origin: serves finished export files to holders of a valid, unexpired signed URL.</summary>
internal static class DownloadEndpoints
{
    public static void Map(IEndpointRouteBuilder app, JobStore jobs, DownloadSigner signer, TeamUpSandboxOptions options)
    {
        app.MapGet("/exports/{jobId:int}/{fileName}", async (HttpContext ctx, int jobId, string fileName) =>
        {
            // A client that forwards its API token to the file host leaks it; fail loudly so the bug is found.
            if (ctx.Request.Headers.ContainsKey("Authorization"))
                throw new ApiError(StatusCodes.Status400BadRequest, "authorization_not_allowed",
                    "This is a pre-signed URL: the signature in the query string is the credential. Send it without an Authorization header; the API token must never reach the file host.");

            var expiresRaw = ctx.Request.Query["expires"].ToString();
            var signature = ctx.Request.Query["signature"].ToString();
            if (expiresRaw.Length == 0 || signature.Length == 0)
                throw new ApiError(StatusCodes.Status403Forbidden, "signature_missing", "The URL has no expires/signature; use the result_url of a finished job as it is.");
            if (!long.TryParse(expiresRaw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var expires)
                || !signer.Verify(DownloadSigner.PathOf(jobId, fileName), expires, signature))
                throw new ApiError(StatusCodes.Status403Forbidden, "signature_mismatch", "The URL signature does not match; it was altered or belongs to another sandbox.");
            if (options.TimeProvider.GetUtcNow().ToUnixTimeSeconds() > expires)
                throw new ApiError(StatusCodes.Status403Forbidden, "url_expired", "The download URL has expired; fetch the job again for a fresh result_url.");

            var job = jobs.Find(jobId);
            if (job is null || job.FileName != fileName) throw ApiError.NotFound("Export file");

            ctx.Response.ContentType = ReportWriter.ContentType(job.Query.Format);
            ctx.Response.Headers.ContentDisposition = $"attachment; filename=\"{job.FileName}\"";
            await ReportWriter.WriteAsync(ctx.Response.Body, job.Query, job.Rows.Count, job.Rows, ctx.RequestAborted);
        });
    }
}
