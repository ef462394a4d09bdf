using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using TeamUp.Generated;
using TeamUp.Generated.Serialization;
using TeamUp.Sandbox;

namespace TeamUp.Cli.Api;

/// <summary>
/// One run's connection: starts the embedded sandbox when no base URL was given, and builds the
/// <see cref="TeamUpClient"/> (credentials, retries, timeouts, export polling and the credential-free download)
/// from the global options. The client is registered with <c>AddTeamUpClient</c> so that the one request the
/// client has no method for (report data as CSV) goes through the same configured API <see cref="HttpClient"/>.
/// </summary>
internal sealed class CliSession : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly TeamUpSandbox? _sandbox;

    private CliSession(ServiceProvider services, TeamUpSandbox? sandbox)
    {
        _services = services;
        _sandbox = sandbox;
        Client = services.GetRequiredService<TeamUpClient>();
    }

    public TeamUpClient Client { get; }

    /// <summary>The first wait between two polls of an export job; it doubles up to <see cref="ExportMaxPollInterval"/>.</summary>
    internal static readonly TimeSpan ExportPollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>At least one progress update a second, and the file fetched within a second of the job finishing.</summary>
    internal static readonly TimeSpan ExportMaxPollInterval = TimeSpan.FromSeconds(1);

    public static async Task<CliSession> OpenAsync(ConnectionSettings settings, CliContext cli, CancellationToken cancellationToken)
    {
        var bearer = settings.AuthScheme.Equals("bearer", StringComparison.OrdinalIgnoreCase);
        Uri? baseUrl = null;
        if (!string.IsNullOrWhiteSpace(settings.BaseUrl))
        {
            if (!Uri.TryCreate(settings.BaseUrl, UriKind.Absolute, out baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
            {
                throw new UsageException($"--base-url '{settings.BaseUrl}' is not an absolute http(s) URL.");
            }
            if (string.IsNullOrWhiteSpace(settings.Token))
            {
                throw new UsageException("--token (or TEAMUP_TOKEN) is required with --base-url.");
            }
            // Checked before anything connects, so that a bad option is a usage error (exit 2) that says what to fix.
            var problems = Configure(new TeamUpClientOptions(), baseUrl, settings.Token, bearer, settings, cli.Host).ValidationErrors();
            if (problems.Count > 0)
            {
                throw new UsageException(string.Join(" ", problems));
            }
        }

        TeamUpSandbox? sandbox = null;
        string token;
        if (baseUrl is null)
        {
            sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions(), cancellationToken);
            baseUrl = sandbox.BaseUrl;
            token = bearer ? sandbox.BearerToken : sandbox.Token;
            cli.Log($"no --base-url or TEAMUP_BASE_URL given: started the embedded sandbox at {baseUrl} (seeded demo data, no account needed)");
            if (!string.IsNullOrEmpty(settings.Token))
            {
                cli.Log("the given token is not used with the embedded sandbox; it has its own");
            }
        }
        else
        {
            token = settings.Token!;
        }

        var services = new ServiceCollection();
        services.AddTeamUpClient(options => Configure(options, baseUrl, token, bearer, settings, cli.Host));
        return new CliSession(services.BuildServiceProvider(), sandbox);
    }

    private static TeamUpClientOptions Configure(TeamUpClientOptions options, Uri baseUrl, string token, bool bearer, ConnectionSettings settings, CliHost host)
    {
        options.BaseUrl = baseUrl;
        if (bearer)
        {
            options.AccessToken = token;
        }
        else
        {
            options.ApiKey = token;
        }
        options.ProviderId = settings.ProviderId?.ToString(CultureInfo.InvariantCulture);
        options.RequestMode = string.IsNullOrEmpty(settings.RequestMode) ? (RequestMode?)null : new RequestMode(settings.RequestMode);
        options.ApplicationId = $"teamup-cli/{typeof(CliSession).Assembly.GetName().Version?.ToString(3) ?? "0"}";
        options.ExportPollInterval = ExportPollInterval;
        options.ExportMaxPollInterval = ExportMaxPollInterval;
        if (settings.RequestTimeout is { } requestTimeout)
        {
            options.TotalTimeout = requestTimeout;
            if (options.AttemptTimeout > requestTimeout)
            {
                options.AttemptTimeout = requestTimeout;
            }
        }
        host.ConfigureClient?.Invoke(options);
        return options;
    }

    /// <summary>
    /// GETs a report page as CSV text. The client reads report data as JSON only, so this one request is built here,
    /// but it is sent by the client's own API <see cref="HttpClient"/>: same credentials, headers, retries and errors.
    /// </summary>
    public async Task<(string Body, int? Total)> GetTextAsync(string operation, string relativePath, IEnumerable<KeyValuePair<string, string>> query, CancellationToken cancellationToken)
    {
        var url = new Uri(Client.Options.BaseUrl, relativePath + "?" + string.Join('&', query.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value))));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Options.Set(TeamUpOperation.RequestOption, operation);
        var http = _services.GetRequiredService<IHttpClientFactory>().CreateClient(TeamUpClient.ApiHttpClientName);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
            throw TeamUpApiException.FromResponse(response, "", (int)response.StatusCode, body, headers, ErrorBody(response, body), null);
        }
        int? total = response.Headers.TryGetValues("X-Total-Count", out var values) && int.TryParse(values.FirstOrDefault(), out var t) ? t : null;
        return (body, total);
    }

    /// <summary>TeamUp's JSON error body, so that the message carries its <c>detail</c> as the client's own errors do.</summary>
    private static Error? ErrorBody(HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }
        try
        {
            return TeamUpJson.Deserialize<Error>(body);
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
    }
}
