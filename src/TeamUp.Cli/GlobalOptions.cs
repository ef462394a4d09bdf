using System.CommandLine;
using TeamUp.Cli.Api;

namespace TeamUp.Cli;

/// <summary>The options every command takes (recursive on the root), with their environment fallbacks.</summary>
internal sealed class GlobalOptions
{
    private readonly Func<string, string?> _environment;

    public Option<string?> BaseUrl { get; } = new("--base-url")
    {
        Description = "API root, e.g. https://goteamup.com/api/v2 (env TEAMUP_BASE_URL). Without it, the embedded sandbox is started in-process.",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "API key or access token (env TEAMUP_TOKEN). Never printed.",
        Recursive = true,
    };

    public Option<string> AuthScheme { get; } = new("--auth-scheme")
    {
        Description = "token: 'Authorization: Token <key>'; bearer: 'Authorization: Bearer <token>'.",
        DefaultValueFactory = _ => "token",
        Recursive = true,
    };

    public Option<int?> ProviderId { get; } = new("--provider-id")
    {
        Description = "The business whose data to use, sent as TeamUp-Provider-ID (env TEAMUP_PROVIDER_ID).",
        Recursive = true,
    };

    public Option<string?> RequestMode { get; } = new("--request-mode")
    {
        Description = "provider or customer, sent as Teamup-Request-Mode.",
        Recursive = true,
    };

    public Option<int?> RequestTimeout { get; } = new("--request-timeout")
    {
        Description = "Seconds one API call may take, retries and their waits included (default 120; 1-86400). Each attempt gets at most 30 of them.",
        Recursive = true,
    };

    public GlobalOptions(Func<string, string?> environment)
    {
        _environment = environment;
        AuthScheme.AcceptOnlyFromAmong("token", "bearer");
        RequestMode.AcceptOnlyFromAmong("provider", "customer");
    }

    public void AddTo(RootCommand root)
    {
        root.Options.Add(BaseUrl);
        root.Options.Add(Token);
        root.Options.Add(AuthScheme);
        root.Options.Add(ProviderId);
        root.Options.Add(RequestMode);
        root.Options.Add(RequestTimeout);
    }

    public ConnectionSettings Resolve(ParseResult parse)
    {
        var providerText = _environment("TEAMUP_PROVIDER_ID");
        int? provider = parse.GetValue(ProviderId);
        if (provider is null && !string.IsNullOrWhiteSpace(providerText))
        {
            provider = int.TryParse(providerText, out var p) ? p : throw new UsageException($"TEAMUP_PROVIDER_ID '{providerText}' is not an integer.");
        }
        var requestTimeout = parse.GetValue(RequestTimeout);
        if (requestTimeout is < 1 or > 86400)
        {
            throw new UsageException("--request-timeout must be between 1 and 86400 seconds.");
        }
        return new ConnectionSettings(
            BaseUrl: NonEmpty(parse.GetValue(BaseUrl)) ?? NonEmpty(_environment("TEAMUP_BASE_URL")),
            Token: NonEmpty(parse.GetValue(Token)) ?? NonEmpty(_environment("TEAMUP_TOKEN")),
            AuthScheme: parse.GetValue(AuthScheme) ?? "token",
            ProviderId: provider,
            RequestMode: parse.GetValue(RequestMode))
        {
            RequestTimeout = requestTimeout is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        };
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
