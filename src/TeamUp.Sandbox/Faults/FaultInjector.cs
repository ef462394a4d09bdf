using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace TeamUp.Sandbox;

/// <summary>Decides per request whether and how to misbehave; shared by both origins so one RNG orders all draws.</summary>
internal sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private SandboxFaultOptions _options;
    private Random _rng;

    public FaultInjector(SandboxFaultOptions options)
    {
        _options = options;
        _rng = new Random(options.Seed);
    }

    public SandboxFaultCounters Counters { get; } = new();

    public SandboxFaultOptions Options => _options;

    public void Replace(SandboxFaultOptions options)
    {
        options.Validate();
        lock (_lock)
        {
            _options = options;
            _rng = new Random(options.Seed);
        }
    }

    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next, bool downloadOrigin)
    {
        var options = _options;
        if (!downloadOrigin && options.Latency > TimeSpan.Zero)
        {
            Counters.CountDelay();
            await Task.Delay(options.Latency, ctx.RequestAborted);
        }

        var fault = Eligible(ctx.Request.Method, options, downloadOrigin) ? Draw(options) : SandboxFault.None;
        RequestContext.SetFault(ctx, fault);
        Counters.Count(fault);
        switch (fault)
        {
            case SandboxFault.None:
                await next(ctx);
                break;
            case SandboxFault.RateLimited:
                ctx.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await SandboxJson.WriteAsync(ctx, new JsonObject
                {
                    ["detail"] = $"Request was throttled. Expected available in {options.RetryAfterSeconds} seconds.",
                    ["code"] = "throttled",
                }, StatusCodes.Status429TooManyRequests);
                break;
            case SandboxFault.ServerError:
                int status;
                lock (_lock) status = options.ServerErrorStatusCodes[_rng.Next(options.ServerErrorStatusCodes.Count)];
                await SandboxJson.WriteAsync(ctx, new JsonObject
                {
                    ["detail"] = $"Injected fault: the sandbox answered {status} on purpose.",
                    ["code"] = "server_error",
                }, status);
                break;
            case SandboxFault.DroppedConnection:
                ctx.Abort();
                break;
            case SandboxFault.TruncatedBody:
                await TruncateAsync(ctx, next);
                break;
            case SandboxFault.SlowBody:
                await TrickleAsync(ctx, next, options);
                break;
        }
    }

    private static bool Eligible(string method, SandboxFaultOptions options, bool downloadOrigin)
    {
        if (options.TotalRate <= 0) return false;
        if (downloadOrigin && !options.IncludeDownloads && !options.OnlyDownloads) return false;
        if (!downloadOrigin && options.OnlyDownloads) return false;
        return HttpMethods.IsGet(method) || options.IncludePost && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method);
    }

    private SandboxFault Draw(SandboxFaultOptions o)
    {
        double roll;
        lock (_lock) roll = _rng.NextDouble();
        if ((roll -= o.RateLimitRate) < 0) return SandboxFault.RateLimited;
        if ((roll -= o.ServerErrorRate) < 0) return SandboxFault.ServerError;
        if ((roll -= o.DropConnectionRate) < 0) return SandboxFault.DroppedConnection;
        if ((roll -= o.TruncatedBodyRate) < 0) return SandboxFault.TruncatedBody;
        if ((roll -= o.SlowBodyRate) < 0) return SandboxFault.SlowBody;
        return SandboxFault.None;
    }

    /// <summary>Runs the endpoint into a buffer so the fault can decide how much of the real answer to send.</summary>
    private static async Task<byte[]> RenderAsync(HttpContext ctx, RequestDelegate next)
    {
        var original = ctx.Features.Get<IHttpResponseBodyFeature>()!;
        using var buffer = new MemoryStream();
        ctx.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(buffer));
        try
        {
            await next(ctx);
        }
        catch (ApiError e)
        {
            await e.WriteAsync(ctx);
        }
        finally
        {
            ctx.Features.Set(original);
        }

        return buffer.ToArray();
    }

    private static async Task TruncateAsync(HttpContext ctx, RequestDelegate next)
    {
        var body = await RenderAsync(ctx, next);
        // Promise the whole body, deliver half, then end the request. Kestrel sees the Content-Length shortfall, stops
        // writing and closes the connection after what was sent, so the client reliably gets the headers and half the
        // body before a premature end. (An Abort here sent a reset that could overtake the queued output under load.)
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2));
    }

    private static async Task TrickleAsync(HttpContext ctx, RequestDelegate next, SandboxFaultOptions options)
    {
        var body = await RenderAsync(ctx, next);
        ctx.Response.ContentLength = body.Length;
        var chunk = Math.Max(1, (body.Length + options.SlowBodyChunks - 1) / options.SlowBodyChunks);
        for (var offset = 0; offset < body.Length; offset += chunk)
        {
            if (offset > 0) await Task.Delay(options.SlowBodyChunkDelay, ctx.RequestAborted);
            await ctx.Response.Body.WriteAsync(body.AsMemory(offset, Math.Min(chunk, body.Length - offset)), ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        }
    }
}
