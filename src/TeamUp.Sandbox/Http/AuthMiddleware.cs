using Microsoft.AspNetCore.Http;

namespace TeamUp.Sandbox;

/// <summary>
/// API-key (<c>Token</c>) or OAuth (<c>Bearer</c>) auth, then provider selection. The sandbox credentials act for every
/// seeded provider, like a franchise key; without <c>TeamUp-Provider-ID</c> the first provider is used.
/// </summary>
internal sealed class AuthMiddleware(TeamUpSandboxOptions options, SandboxDataset data)
{
    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            ctx.Response.Headers.WWWAuthenticate = "Token";
            throw new ApiError(StatusCodes.Status401Unauthorized, "not_authenticated", "Authentication credentials were not provided.");
        }

        var space = header.IndexOf(' ');
        var scheme = space > 0 ? header[..space] : header;
        var credential = space > 0 ? header[(space + 1)..].Trim() : "";
        var ok = scheme.Equals("Token", StringComparison.OrdinalIgnoreCase) && FixedEquals(credential, options.Token)
                 || scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && FixedEquals(credential, options.BearerToken);
        if (!ok)
        {
            ctx.Response.Headers.WWWAuthenticate = "Token";
            var detail = scheme is "Token" or "Bearer" ? "Invalid token." : $"Unsupported authorization scheme '{scheme}'; use 'Token <key>' or 'Bearer <token>'.";
            throw new ApiError(StatusCodes.Status401Unauthorized, "authentication_failed", detail);
        }

        var mode = ctx.Request.Headers["Teamup-Request-Mode"].ToString();
        if (mode.Length > 0 && mode is not ("customer" or "provider"))
            throw ApiError.Invalid("Teamup-Request-Mode", $"\"{mode}\" is not a valid choice; use customer or provider.");

        var providerHeader = ctx.Request.Headers["TeamUp-Provider-ID"].ToString();
        SandboxProvider? provider;
        if (providerHeader.Length == 0)
        {
            provider = data.Providers[0];
        }
        else
        {
            provider = int.TryParse(providerHeader, out var id) ? data.Providers.FirstOrDefault(p => p.Id == id) : null;
            if (provider is null)
                throw new ApiError(StatusCodes.Status403Forbidden, "permission_denied",
                    $"TeamUp-Provider-ID '{providerHeader}' is not a provider these credentials can act for.");
        }

        RequestContext.SetProvider(ctx, provider);
        await next(ctx);
    }

    private static bool FixedEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));
}
