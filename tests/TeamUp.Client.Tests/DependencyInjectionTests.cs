using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace TeamUp.Client.Tests;

public class DependencyInjectionTests
{
    private const string Job = """{"id":7,"object":"job","result_url":null,"total_items":10,"complete_items":1}""";

    private static ServiceProvider Build(FakeTeamUp api, Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        services.AddHttpClient(TeamUpClient.ApiHttpClientName).ConfigurePrimaryHttpMessageHandler(() => api.Capture);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Action_overload_registers_the_client_and_the_three_interfaces()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, FakeTeamUp.Base + "jobs/7", FakeTeamUp.Answer(HttpStatusCode.ServiceUnavailable), FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var provider = Build(api, s => s.AddTeamUpClient(o =>
        {
            o.BaseUrl = new Uri(FakeTeamUp.Base);
            o.ApiKey = FakeTeamUp.Key;
            o.ProviderId = "314";
            o.TimeProvider = api.Time;
        }));

        Assert.NotNull(provider.GetRequiredService<TeamUpClient>());
        Assert.IsType<InvoicesClient>(provider.GetRequiredService<IInvoicesClient>());
        Assert.IsType<ReportsClient>(provider.GetRequiredService<IReportsClient>());
        var jobs = provider.GetRequiredService<IJobsClient>();
        var job = await api.Run(() => jobs.RetrieveAsync(7));

        Assert.Equal(7, job.Id);
        Assert.Equal(2, api.Requests.Count); // the resilience handler is in the DI pipeline
        Each.Of(api.Requests, r => Assert.Equal("Token " + FakeTeamUp.Key, r.Authorization));
        Each.Of(api.Requests, r => Assert.Equal("314", r.Headers["TeamUp-Provider-ID"]));
    }

    [Fact]
    public async Task Configuration_overload_binds_the_options()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, FakeTeamUp.Base + "jobs/7", FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TeamUp:BaseUrl"] = FakeTeamUp.Base,
            ["TeamUp:AccessToken"] = "oauth-from-config",
            ["TeamUp:ProviderId"] = "99",
            ["TeamUp:RequestMode"] = "customer",
            ["TeamUp:TotalTimeout"] = "00:05:00",
            ["TeamUp:MaxRetries"] = "5",
            ["TeamUp:ApplicationId"] = "cfg-app",
        }).Build();
        using var provider = Build(api, s => s.AddTeamUpClient(configuration.GetSection("TeamUp")));

        var client = provider.GetRequiredService<TeamUpClient>();
        await client.Jobs.RetrieveAsync(7);

        Assert.Equal(TimeSpan.FromMinutes(5), client.Options.TotalTimeout);
        Assert.Equal(5, client.Options.MaxRetries);
        Assert.Equal(RequestMode.Customer, client.Options.RequestMode);
        var sent = Assert.Single(api.Requests);
        Assert.Equal("Bearer oauth-from-config", sent.Authorization);
        Assert.Equal("99", sent.Headers["TeamUp-Provider-ID"]);
        Assert.Equal("customer", sent.Headers["Teamup-Request-Mode"]);
        Assert.EndsWith(" cfg-app", sent.Headers["User-Agent"]);
    }

    [Fact]
    public async Task A_TimeProvider_registered_first_is_the_clock_of_retries_and_options()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, FakeTeamUp.Base + "jobs/7",
            FakeTeamUp.Answer(HttpStatusCode.TooManyRequests, "{}", r => r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(20))),
            FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var provider = Build(api, s =>
        {
            s.AddSingleton<TimeProvider>(api.Time);
            s.AddTeamUpClient(o => { o.BaseUrl = new Uri(FakeTeamUp.Base); o.ApiKey = FakeTeamUp.Key; });
        });

        var client = provider.GetRequiredService<TeamUpClient>();
        await api.Run(() => client.Jobs.RetrieveAsync(7));

        Assert.Same(api.Time, client.Options.TimeProvider);
        var times = api.Requests.Select(r => r.At).ToArray();
        Assert.Equal(TimeSpan.FromSeconds(20), times[1] - times[0]);
    }

    [Fact]
    public void Invalid_options_fail_with_a_clear_message_on_first_use()
    {
        var services = new ServiceCollection();
        services.AddTeamUpClient(o => o.BaseUrl = new Uri("http://api.teamup.test/"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<TeamUpClient>());

        Assert.Contains(error.Failures, f => f.Contains("https://", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("ApiKey", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(TeamUpClient.ApiHttpClientName)]
    [InlineData(TeamUpClient.DownloadHttpClientName)]
    public void Neither_http_client_follows_redirects_by_itself(string name)
    {
        var services = new ServiceCollection();
        services.AddTeamUpClient(o => o.ApiKey = "k");
        using var provider = services.BuildServiceProvider();

        var handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(name);
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler!;
        }

        var primary = Assert.IsType<SocketsHttpHandler>(handler);
        Assert.False(primary.AllowAutoRedirect);
    }

    [Fact]
    public void Api_pipeline_is_telemetry_then_resilience_then_credentials()
    {
        var services = new ServiceCollection();
        services.AddTeamUpClient(o => o.ApiKey = "k");
        using var provider = services.BuildServiceProvider();

        var handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(TeamUpClient.ApiHttpClientName);
        var names = new List<string>();
        while (handler is DelegatingHandler delegating)
        {
            names.Add(handler.GetType().Name);
            handler = delegating.InnerHandler!;
        }

        Assert.Equal(["TeamUpOperationHandler", "ResilienceHandler", "TeamUpRequestHandler"], names.Where(n => n.StartsWith("TeamUp", StringComparison.Ordinal) || n == "ResilienceHandler"));
    }
}
