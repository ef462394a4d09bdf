using System.Net;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace TeamUp.Client.Tests;

/// <summary>One pipeline builder for <c>new TeamUpClient(options)</c> and <c>AddTeamUpClient</c>, without a cycle between them.</summary>
public class PipelineConstructionTests
{
    private static TeamUpClientOptions Options() => new() { BaseUrl = new Uri(FakeTeamUp.Base), ApiKey = FakeTeamUp.Key };

    [Fact]
    public void A_client_made_with_new_holds_only_its_pipelines_not_a_registration_of_itself()
    {
        // It used to call AddTeamUpClient, which registers new TeamUpClient(...): a client inside the client's own container.
        var standalone = TeamUpPipeline.BuildStandalone(Options(), null, null);
        using var provider = standalone.Provider;

        Assert.Null(provider.GetService<TeamUpClient>());
        Assert.Null(provider.GetService<IJobsClient>());
        Assert.NotNull(standalone.Factory.CreateClient(TeamUpClient.ApiHttpClientName));
    }

    [Fact]
    public async Task New_and_dependency_injection_send_through_the_same_pipeline()
    {
        var direct = await SendAsync(api => api.Client());
        var injected = await SendAsync(api =>
        {
            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(api.Time);
            services.AddTeamUpClient(o => { o.BaseUrl = new Uri(FakeTeamUp.Base); o.ApiKey = FakeTeamUp.Key; });
            services.AddHttpClient(TeamUpClient.ApiHttpClientName).ConfigurePrimaryHttpMessageHandler(() => api.Capture);
            return services.BuildServiceProvider().GetRequiredService<TeamUpClient>();
        });

        Assert.Equal(2, direct.Length); // retried once, with credentials and the User-Agent, either way
        Assert.Equal(direct, injected);
    }

    private static async Task<(HttpMethod, string?, string?)[]> SendAsync(Func<FakeTeamUp, TeamUpClient> create)
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, FakeTeamUp.Base + "jobs/7",
            FakeTeamUp.Answer(HttpStatusCode.ServiceUnavailable, "{}"),
            FakeTeamUp.Answer(HttpStatusCode.OK, """{"id":7,"object":"job","result_url":null,"total_items":1,"complete_items":0}"""));
        var client = create(api);
        await api.Run(() => client.Jobs.RetrieveAsync(7));
        return api.Requests.Select(r => (r.Method, r.Authorization, r.Headers.GetValueOrDefault("User-Agent"))).ToArray();
    }

    [Fact]
    public void A_bare_generated_client_downloads_through_the_shared_client_built_like_TeamUpClients()
    {
        var jobs = new JobsClient(new HttpClient()) { BaseUrl = FakeTeamUp.Base };

        Assert.Same(TeamUpClientContext.SharedDownloadClient, jobs.Context.Download);
        var handler = (SocketsHttpHandler)typeof(HttpMessageInvoker).GetField("_handler", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(jobs.Context.Download)!;
        var expected = TeamUpPipeline.Transport();
        // It used to be built apart, without decompression.
        Assert.Equal((expected.AllowAutoRedirect, expected.AutomaticDecompression, expected.PooledConnectionLifetime),
            (handler.AllowAutoRedirect, handler.AutomaticDecompression, handler.PooledConnectionLifetime));
    }
}
