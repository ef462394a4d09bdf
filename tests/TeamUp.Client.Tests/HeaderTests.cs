using System.Net;

namespace TeamUp.Client.Tests;

public class HeaderTests
{
    private const string Job = """{"id":7,"object":"job","result_url":null,"total_items":10,"complete_items":1}""";

    [Fact]
    public async Task Api_key_is_sent_as_Token_with_provider_mode_and_user_agent()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, FakeTeamUp.Base + "jobs/7", FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var client = api.Client(o =>
        {
            o.ProviderId = "314";
            o.RequestMode = RequestMode.Provider;
            o.ApplicationId = "billing-sync/2.1";
        });

        var job = await client.Jobs.RetrieveAsync(7);

        Assert.Equal(7, job.Id);
        var sent = Assert.Single(api.Requests);
        Assert.Equal("Token " + FakeTeamUp.Key, sent.Authorization);
        Assert.Equal("314", sent.Headers["TeamUp-Provider-ID"]);
        Assert.Equal("provider", sent.Headers["Teamup-Request-Mode"]);
        Assert.Matches(@"^TeamUp\.Generated/\d+\.\d+\.\d+ billing-sync/2\.1$", sent.Headers["User-Agent"]);
    }

    [Fact]
    public async Task Access_token_is_sent_as_Bearer_and_optional_headers_are_left_out()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, FakeTeamUp.Base + "jobs/7", FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var client = api.Client(o => { o.ApiKey = null; o.AccessToken = "oauth-token-1"; });

        await client.Jobs.RetrieveAsync(7);

        var sent = Assert.Single(api.Requests);
        Assert.Equal("Bearer oauth-token-1", sent.Authorization);
        Assert.False(sent.Headers.ContainsKey("TeamUp-Provider-ID"));
        Assert.False(sent.Headers.ContainsKey("Teamup-Request-Mode"));
    }

    [Fact]
    public async Task A_request_for_another_origin_is_refused_before_it_leaves()
    {
        using var api = new FakeTeamUp();
        using var client = api.Client();
        var jobs = (JobsClient)client.Jobs;
        jobs.BaseUrl = "https://evil.test/api/v2/";

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => jobs.RetrieveAsync(7));

        Assert.Empty(api.Requests);
        Assert.Equal(0, error.StatusCode);
        Assert.Equal(TeamUpFailureKind.Refused, error.Kind);
        Assert.Equal("Jobs_Retrieve", error.Operation);
        Assert.Contains("evil.test", error.Message);
    }
}
