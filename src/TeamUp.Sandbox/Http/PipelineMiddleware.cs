using Microsoft.AspNetCore.Http;

namespace TeamUp.Sandbox;

/// <summary>Outermost layer of both origins: request id, request log, and turning stray exceptions into Error bodies.</summary>
internal sealed class PipelineMiddleware(string origin, SandboxRequestLog log, TimeProvider clock)
{
    private static long _requestCounter;

    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        var requestId = $"req_{Interlocked.Increment(ref _requestCounter):x8}{Random.Shared.Next():x8}";
        ctx.Response.Headers["X-Request-Id"] = requestId;
        var status = 0;
        try
        {
            await next(ctx);
            status = ctx.RequestAborted.IsCancellationRequested && RequestContext.Fault(ctx) == SandboxFault.DroppedConnection ? 0 : ctx.Response.StatusCode;
        }
        catch (ApiError e) when (!ctx.Response.HasStarted)
        {
            await e.WriteAsync(ctx);
            status = e.Status;
        }
        catch (Exception) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or a fault aborted the connection); nothing left to answer.
            status = RequestContext.Fault(ctx) == SandboxFault.DroppedConnection ? 0 : ctx.Response.StatusCode;
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            await new ApiError(StatusCodes.Status500InternalServerError, "error", $"Sandbox error: {e.GetType().Name}: {e.Message}").WriteAsync(ctx);
            status = 500;
        }
        finally
        {
            log.Add(new SandboxRequestLogEntry(clock.GetUtcNow(), origin, ctx.Request.Method,
                $"{ctx.Request.Path}{ctx.Request.QueryString}", status, RequestContext.Fault(ctx), requestId,
                ctx.Request.Headers.ContainsKey("Authorization"),
                ctx.Request.Headers.TryGetValue("Teamup-Request-Mode", out var mode) ? mode.ToString() : null));
        }
    }
}
