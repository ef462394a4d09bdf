using Microsoft.AspNetCore.Http;

namespace TeamUp.Sandbox;

/// <summary>Per-request facts set by the pipeline and read by endpoints and the request log.</summary>
internal static class RequestContext
{
    private const string ProviderKey = "teamup.provider";
    private const string FaultKey = "teamup.fault";

    public static void SetProvider(HttpContext ctx, SandboxProvider provider) => ctx.Items[ProviderKey] = provider;

    public static SandboxProvider Provider(HttpContext ctx) => (SandboxProvider)ctx.Items[ProviderKey]!;

    public static void SetFault(HttpContext ctx, SandboxFault fault) => ctx.Items[FaultKey] = fault;

    public static SandboxFault Fault(HttpContext ctx) => ctx.Items.TryGetValue(FaultKey, out var f) ? (SandboxFault)f! : SandboxFault.None;

    /// <summary>This server's own origin as the client addressed it, for absolute next/previous links.</summary>
    public static string Origin(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host}";
}
