namespace TeamUp.Client.Tests;

public class OptionsTests
{
    private static TeamUpClientOptions Valid(string url = FakeTeamUp.Base) => new() { BaseUrl = new Uri(url), ApiKey = FakeTeamUp.Key };

    [Theory]
    [InlineData("http://api.teamup.test/api/v2/")]
    [InlineData("http://10.0.0.5/api/v2/")]
    [InlineData("ftp://api.teamup.test/")]
    public void Non_https_base_url_is_refused_unless_loopback(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => new TeamUpClient(Valid(url)));
        Assert.Contains("https://", error.Message);
    }

    [Theory]
    [InlineData("http://localhost:5000/api/v2/")]
    [InlineData("http://127.0.0.1:8080/")]
    [InlineData("http://[::1]:8080/")]
    [InlineData("https://goteamup.com/api/v2/")]
    public void Https_and_loopback_http_are_accepted(string url)
    {
        Assert.Empty(Valid(url).ValidationErrors());
        using var client = new TeamUpClient(Valid(url));
        Assert.Equal(new Uri(url).Host, client.Options.BaseUrl.Host);
    }

    [Fact]
    public void Exactly_one_credential_is_required()
    {
        var none = new TeamUpClientOptions();
        Assert.Contains(none.ValidationErrors(), e => e.Contains("Set ApiKey", StringComparison.Ordinal));
        var both = new TeamUpClientOptions { ApiKey = "a", AccessToken = "b" };
        Assert.Contains(both.ValidationErrors(), e => e.Contains("not both", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => new TeamUpClient(both));
    }

    [Fact]
    public void Timeouts_and_retries_are_checked()
    {
        var options = Valid();
        options.AttemptTimeout = TimeSpan.FromMinutes(5);
        options.TotalTimeout = TimeSpan.FromMinutes(1);
        options.MaxRetries = -1;
        var errors = options.ValidationErrors();
        Assert.Contains(errors, e => e.Contains("TotalTimeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MaxRetries", StringComparison.Ordinal));
    }

    [Fact]
    public void Download_idle_timeout_is_positive_or_infinite()
    {
        var options = Valid();
        options.DownloadIdleTimeout = TimeSpan.Zero;
        Assert.Contains(options.ValidationErrors(), e => e.Contains("DownloadIdleTimeout", StringComparison.Ordinal));
        options.DownloadIdleTimeout = Timeout.InfiniteTimeSpan;
        Assert.Empty(options.ValidationErrors());
    }

    [Fact]
    public void Base_url_gets_its_trailing_slash_and_default_is_teamup()
    {
        Assert.Equal("https://goteamup.com/api/v2/", new TeamUpClientOptions().BaseUrl.AbsoluteUri);
        Assert.Equal("https://x.test/api/v2/", new TeamUpClientOptions { BaseUrl = new Uri("https://x.test/api/v2") }.BaseUrl.AbsoluteUri);
    }

    [Fact]
    public void ToString_never_shows_credentials()
    {
        var key = Valid();
        var token = new TeamUpClientOptions { AccessToken = "oauth-SECRET-TOKEN", ProviderId = "314" };
        Assert.DoesNotContain(FakeTeamUp.Key, key.ToString());
        Assert.Contains("ApiKey ***", key.ToString());
        Assert.DoesNotContain("oauth-SECRET-TOKEN", token.ToString());
        Assert.Contains("314", token.ToString());
        using var client = new TeamUpClient(key);
        Assert.DoesNotContain(FakeTeamUp.Key, client.ToString());
    }

    [Fact]
    public void The_client_keeps_a_copy_of_the_options()
    {
        var options = Valid();
        using var client = new TeamUpClient(options);
        options.ApiKey = "changed";
        Assert.Equal(FakeTeamUp.Key, client.Options.ApiKey);
    }

    public static TheoryData<string, string> InvalidSettings() => new()
    {
        { "relative base url", "BaseUrl must be an absolute URL" },
        { "query in base url", "must not carry a query, a fragment or user info" },
        { "key with a line break", "whitespace or control characters" },
        { "empty provider id", "ProviderId must be a non-empty id" },
        { "attempt timeout 5 ms", "AttemptTimeout must be between 10 ms and 12 hours" },
        { "attempt timeout 13 h", "AttemptTimeout must be between 10 ms and 12 hours" },
        { "total timeout 2 days", "TotalTimeout must be at most 1 day" },
        { "max retry delay 2 days", "must be at most 1 day" },
        { "export timeout 8 days", "ExportTimeout must be at most 7 days" },
        { "download idle timeout 2 days", "DownloadIdleTimeout must be at most 1 day" },
        { "retry delay zero", "RetryDelay must be positive" },
        { "export poll interval zero", "ExportPollInterval and ExportTimeout must be positive" },
        { "max response size 100 bytes", "MaxResponseSize must be between 1 KiB and 1 GiB" },
        { "max download size zero", "MaxDownloadSize must be positive" },
        { "application id with a control character", "ApplicationId must be at most 128 characters" },
        { "no clock", "TimeProvider must not be null" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Each_out_of_range_setting_is_named_and_refused(string setting, string message)
    {
        var options = Valid();
        Assert.Empty(options.ValidationErrors());
        switch (setting)
        {
            case "relative base url": options.BaseUrl = new Uri("api/v2/", UriKind.Relative); break;
            case "query in base url": options.BaseUrl = new Uri("https://api.teamup.test/api/v2/?x=1"); break;
            case "key with a line break": options.ApiKey = "tk_live_abc\n"; break;
            case "empty provider id": options.ProviderId = ""; break;
            case "attempt timeout 5 ms": options.AttemptTimeout = TimeSpan.FromMilliseconds(5); break;
            case "attempt timeout 13 h": options.AttemptTimeout = TimeSpan.FromHours(13); options.TotalTimeout = TimeSpan.FromHours(13); break;
            case "total timeout 2 days": options.TotalTimeout = TimeSpan.FromDays(2); break;
            case "max retry delay 2 days": options.MaxRetryDelay = TimeSpan.FromDays(2); break;
            case "export timeout 8 days": options.ExportTimeout = TimeSpan.FromDays(8); break;
            case "download idle timeout 2 days": options.DownloadIdleTimeout = TimeSpan.FromDays(2); break;
            case "retry delay zero": options.RetryDelay = TimeSpan.Zero; break;
            case "export poll interval zero": options.ExportPollInterval = TimeSpan.Zero; break;
            case "max response size 100 bytes": options.MaxResponseSize = 100; break;
            case "max download size zero": options.MaxDownloadSize = 0; break;
            case "application id with a control character": options.ApplicationId = "app\u0007"; break;
            case "no clock": options.TimeProvider = null!; break;
            default: throw new ArgumentOutOfRangeException(nameof(setting), setting, null);
        }

        var problem = Assert.Single(options.ValidationErrors());
        Assert.Contains(message, problem, StringComparison.Ordinal);
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_shows_the_settings_that_help_and_no_secret()
    {
        var options = new TeamUpClientOptions { AccessToken = "oauth-SECRET", ProviderId = "314", RequestMode = RequestMode.Customer, ApplicationId = "payouts/2.1" };

        var text = options.ToString();

        Assert.Equal("TeamUpClientOptions { BaseUrl = https://goteamup.com/api/v2/, Credentials = AccessToken ***, ProviderId = 314, RequestMode = customer, "
            + "AttemptTimeout = 00:00:30, TotalTimeout = 00:02:00, MaxRetries = 3, ApplicationId = payouts/2.1 }", text);
        Assert.Contains("Credentials = none", new TeamUpClientOptions().ToString(), StringComparison.Ordinal);
    }
}
