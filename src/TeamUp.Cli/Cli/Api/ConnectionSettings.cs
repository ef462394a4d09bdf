namespace TeamUp.Cli.Api;

/// <summary>The global options after environment fallbacks, before anything connects.</summary>
internal sealed record ConnectionSettings(
    string? BaseUrl,
    string? Token,
    string AuthScheme,
    int? ProviderId,
    string? RequestMode);
