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
}
