using System.Globalization;
using System.Net;
using System.Text;

namespace TeamUp.Generated;

/// <summary>
/// Everything a <see cref="TeamUpClient"/> needs: where the API is, who is calling, and how patient to be.
/// One instance configures the whole client (DI or <c>new TeamUpClient(options)</c>); <see cref="ToString"/>
/// never shows a credential.
/// </summary>
public sealed class TeamUpClientOptions
{
    /// <summary>TeamUp's production API.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://goteamup.com/api/v2/");

    private Uri _baseUrl = DefaultBaseUrl;

    /// <summary>The API root (default <c>https://goteamup.com/api/v2/</c>). <c>http://</c> is refused unless the host is a loopback address.</summary>
    public Uri BaseUrl
    {
        get => _baseUrl;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            // A relative path must resolve under the base, so it needs its trailing slash.
            _baseUrl = value.IsAbsoluteUri && !value.AbsolutePath.EndsWith('/') ? new Uri(value.AbsoluteUri + "/") : value;
        }
    }

    /// <summary>An API key, sent as <c>Authorization: Token &lt;key&gt;</c>. Set this or <see cref="AccessToken"/>, not both.</summary>
    public string? ApiKey { get; set; }

    /// <summary>An OAuth access token, sent as <c>Authorization: Bearer &lt;token&gt;</c>. Set this or <see cref="ApiKey"/>, not both.</summary>
    public string? AccessToken { get; set; }

    /// <summary>The provider account the requests are for (<c>TeamUp-Provider-ID</c>); needed when the credentials reach several providers.</summary>
    public string? ProviderId { get; set; }

    /// <summary>The mode requests run in (<c>Teamup-Request-Mode</c>); needed when the user has staff and customer profiles.</summary>
    public RequestMode? RequestMode { get; set; }

    /// <summary>How long one HTTP attempt may take (default 30 s).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one call may take, retries and their waits included (default 2 minutes).</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many times a failed call is retried (default 3; 0 disables retries). See the retry table in the README.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry delay; later ones grow exponentially with jitter, up to <see cref="MaxRetryDelay"/> (default 1 s).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries, also between export job polls (default 30 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first wait between two polls of an export job; it doubles up to <see cref="ExportMaxPollInterval"/> (default 1 s).</summary>
    public TimeSpan ExportPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait between two polls of an export job (default <see langword="null"/>: <see cref="MaxRetryDelay"/>).
    /// Set it lower to see progress, and the finished file, sooner (an interactive tool); a <c>Retry-After</c> still wins.
    /// </summary>
    public TimeSpan? ExportMaxPollInterval { get; set; }

    /// <summary>
    /// How long <c>ExportJob.WaitForCompletionAsync</c> waits for a job before giving up (default 30 minutes), unless the
    /// call passes its own <see cref="ExportWaitOptions.Timeout"/>.
    /// </summary>
    public TimeSpan ExportTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long an export file download may go without receiving anything, first the response, then between two reads,
    /// before it fails as stalled (default 1 minute; <see cref="Timeout.InfiniteTimeSpan"/> waits as long as the
    /// cancellation token allows). The file as a whole may take as long as it needs. A call may pass its own
    /// <see cref="ExportWaitOptions.DownloadIdleTimeout"/>.
    /// </summary>
    public TimeSpan DownloadIdleTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whether an answer whose objects break a promise of the spec (a required property absent, or null where null is not
    /// allowed) fails as a whole (<see langword="true"/>: a <see cref="TeamUpApiException"/> naming the property), or is read
    /// with the object returned and the broken promise logged, counted and listed by
    /// <see cref="TeamUp.Generated.Serialization.TeamUpContract.MissingRequiredFields"/> (<see langword="false"/>, the default).
    /// Strict suits tests and callers who rather stop than store an incomplete record.
    /// </summary>
    public bool StrictResponses { get; set; }

    /// <summary>The default of <see cref="MaxResponseSize"/>: 64 MiB.</summary>
    public const long DefaultMaxResponseSize = 64L << 20;

    /// <summary>
    /// The largest API answer (a page, a report page, a job) the client reads, counted after decompression (default
    /// 64 MiB; at most 1 GiB). A larger one fails at once with <see cref="TeamUpResponseTooLargeException"/> and is not
    /// retried. Export files are streamed and not bounded by this; see <see cref="MaxDownloadSize"/>.
    /// </summary>
    public long MaxResponseSize { get; set; } = DefaultMaxResponseSize;

    /// <summary>
    /// The largest export file a download accepts, in bytes as received (after decompression); <see langword="null"/>
    /// (the default) for no limit. A larger file fails with a <see cref="TeamUpApiException"/> naming the limit, after
    /// writing at most this many bytes. A call may pass its own <see cref="ExportWaitOptions.MaxDownloadSize"/>.
    /// </summary>
    public long? MaxDownloadSize { get; set; }

    /// <summary>Your application's name (and version), appended to the User-Agent: <c>TeamUp.Generated/&lt;version&gt; &lt;ApplicationId&gt;</c>.</summary>
    public string? ApplicationId { get; set; }

    /// <summary>The clock for retry waits, polling and timeouts (default <see cref="TimeProvider.System"/>); tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks the options and throws an <see cref="ArgumentException"/> that says what to fix.</summary>
    public void Validate()
    {
        var problems = ValidationErrors();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid TeamUpClientOptions: " + string.Join(" ", problems));
        }
    }

    /// <summary>What is wrong with the options, one sentence per problem (empty when they are valid).</summary>
    public IReadOnlyList<string> ValidationErrors()
    {
        var problems = new List<string>();
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri)
        {
            problems.Add("BaseUrl must be an absolute URL such as https://goteamup.com/api/v2/.");
        }
        else if (BaseUrl.Scheme == Uri.UriSchemeHttp && !IsLoopback(BaseUrl))
        {
            problems.Add($"BaseUrl must use https:// (http:// is only allowed for a loopback address, not '{BaseUrl.Host}'), so that credentials are never sent in clear text.");
        }
        else if (BaseUrl.Scheme != Uri.UriSchemeHttp && BaseUrl.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"BaseUrl must use https:// (not {BaseUrl.Scheme}://).");
        }
        else if (!string.IsNullOrEmpty(BaseUrl.Query) || !string.IsNullOrEmpty(BaseUrl.Fragment) || !string.IsNullOrEmpty(BaseUrl.UserInfo))
        {
            problems.Add("BaseUrl must not carry a query, a fragment or user info.");
        }
        var hasKey = !string.IsNullOrWhiteSpace(ApiKey);
        var hasToken = !string.IsNullOrWhiteSpace(AccessToken);
        if (hasKey == hasToken)
        {
            problems.Add(hasKey
                ? "Set either ApiKey or AccessToken, not both."
                : "Set ApiKey (sent as 'Authorization: Token <key>') or AccessToken (sent as 'Authorization: Bearer <token>').");
        }
        if ((hasKey && HasWhitespaceOrControl(ApiKey!)) || (hasToken && HasWhitespaceOrControl(AccessToken!)))
        {
            problems.Add("The credential contains whitespace or control characters (a pasted line break?).");
        }
        if (ProviderId is not null && (ProviderId.Length == 0 || HasWhitespaceOrControl(ProviderId)))
        {
            problems.Add("ProviderId must be a non-empty id without whitespace.");
        }
        // Upper bounds as well as lower ones: a timer cannot run for longer than about 49 days, and the resilience
        // pipeline refuses timeouts over a day, both only when the first request is sent, long after configuration.
        if (AttemptTimeout < TimeSpan.FromMilliseconds(10) || AttemptTimeout > TimeSpan.FromHours(12))
        {
            problems.Add("AttemptTimeout must be between 10 ms and 12 hours.");
        }
        if (TotalTimeout > TimeSpan.FromDays(1))
        {
            problems.Add("TotalTimeout must be at most 1 day.");
        }
        if (RetryDelay > TimeSpan.FromDays(1) || MaxRetryDelay > TimeSpan.FromDays(1) || ExportPollInterval > TimeSpan.FromDays(1)
            || ExportMaxPollInterval > TimeSpan.FromDays(1))
        {
            problems.Add("RetryDelay, MaxRetryDelay, ExportPollInterval and ExportMaxPollInterval must be at most 1 day.");
        }
        if (ExportTimeout > TimeSpan.FromDays(7))
        {
            problems.Add("ExportTimeout must be at most 7 days.");
        }
        if (DownloadIdleTimeout > TimeSpan.FromDays(1))
        {
            problems.Add("DownloadIdleTimeout must be at most 1 day (or Timeout.InfiniteTimeSpan).");
        }
        if (TotalTimeout < AttemptTimeout)
        {
            problems.Add("TotalTimeout must be at least AttemptTimeout.");
        }
        if (MaxRetries is < 0 or > 10)
        {
            problems.Add("MaxRetries must be between 0 and 10.");
        }
        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            problems.Add("RetryDelay must be positive and MaxRetryDelay at least RetryDelay.");
        }
        if (ExportPollInterval <= TimeSpan.Zero || ExportTimeout <= TimeSpan.Zero)
        {
            problems.Add("ExportPollInterval and ExportTimeout must be positive.");
        }
        if (DownloadIdleTimeout <= TimeSpan.Zero && DownloadIdleTimeout != Timeout.InfiniteTimeSpan)
        {
            problems.Add("DownloadIdleTimeout must be positive (or Timeout.InfiniteTimeSpan).");
        }
        if (ExportMaxPollInterval is { } maxPoll && maxPoll < ExportPollInterval)
        {
            problems.Add("ExportMaxPollInterval must be at least ExportPollInterval.");
        }
        if (MaxResponseSize is < 1024 or > 1L << 30)
        {
            problems.Add("MaxResponseSize must be between 1 KiB and 1 GiB.");
        }
        if (MaxDownloadSize is <= 0)
        {
            problems.Add("MaxDownloadSize must be positive (or null for no limit).");
        }
        if (ApplicationId is not null && (ApplicationId.Length > 128 || ApplicationId.Any(char.IsControl)))
        {
            problems.Add("ApplicationId must be at most 128 characters without control characters.");
        }
        if (TimeProvider is null)
        {
            problems.Add("TimeProvider must not be null.");
        }
        return problems;
    }

    /// <summary>A copy (the client keeps its own, so later changes to this instance do not affect it).</summary>
    public TeamUpClientOptions Clone() => (TeamUpClientOptions)MemberwiseClone();

    /// <summary>The options without credentials: which kind is set, never its value.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("TeamUpClientOptions { BaseUrl = ").Append(BaseUrl);
        text.Append(", Credentials = ").Append(
            !string.IsNullOrWhiteSpace(ApiKey) ? "ApiKey ***" : !string.IsNullOrWhiteSpace(AccessToken) ? "AccessToken ***" : "none");
        if (ProviderId is not null)
        {
            text.Append(", ProviderId = ").Append(ProviderId);
        }
        if (RequestMode is { } mode)
        {
            text.Append(", RequestMode = ").Append(mode);
        }
        text.Append(CultureInfo.InvariantCulture, $", AttemptTimeout = {AttemptTimeout}, TotalTimeout = {TotalTimeout}, MaxRetries = {MaxRetries}");
        if (ApplicationId is not null)
        {
            text.Append(", ApplicationId = ").Append(ApplicationId);
        }
        return text.Append(" }").ToString();
    }

    /// <summary>The credential in use, for masking wherever server text is quoted.</summary>
    internal string? Secret => !string.IsNullOrWhiteSpace(ApiKey) ? ApiKey : AccessToken;

    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    internal static bool SameOrigin(Uri a, Uri b) =>
        a.IsAbsoluteUri && b.IsAbsoluteUri
        && string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    private static bool HasWhitespaceOrControl(string value) => value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));
}
