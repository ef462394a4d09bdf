using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TeamUp.Generated;

/// <summary>
/// The one place the client's two HTTP pipelines are put together, for <c>AddTeamUpClient</c> and for
/// <c>new TeamUpClient(options)</c> alike. API calls: operation span and errors → standard resilience handler (total
/// timeout, retries, circuit breaker, attempt timeout) set up for TeamUp → credentials, origin check and reading the
/// answer whole → the transport. Export files: the transport alone, without credentials and without automatic redirects.
/// </summary>
internal static class TeamUpPipeline
{
    /// <summary>
    /// Registers the named clients <see cref="TeamUpClient.ApiHttpClientName"/> and <see cref="TeamUpClient.DownloadHttpClientName"/>
    /// on <see cref="IHttpClientFactory"/>, reading <see cref="TeamUpClientOptions"/> from <see cref="IOptions{TOptions}"/>.
    /// </summary>
    public static void AddHttpClients(IServiceCollection services)
    {
        // The resilience pipeline (Polly) takes its clock from the container, the client's own waits from the options:
        // one clock for both. A TimeProvider the application registered first becomes the options' default; otherwise
        // the container's is the options' one.
        if (services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddOptions<TeamUpClientOptions>().PostConfigure<TimeProvider>((options, time) =>
            {
                if (ReferenceEquals(options.TimeProvider, TimeProvider.System))
                {
                    options.TimeProvider = time;
                }
            });
        }
        else
        {
            services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<IOptions<TeamUpClientOptions>>().Value.TimeProvider);
        }

        var api = services.AddHttpClient(TeamUpClient.ApiHttpClientName)
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan) // the resilience handler times out
            .ConfigurePrimaryHttpMessageHandler(() => Transport())
            .RemoveAllLoggers() // the default logger writes full URLs, query values included
            .AddHttpMessageHandler(sp => new TeamUpOperationHandler(OptionsOf(sp), LoggerOf(sp)));
        api.AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) => TeamUpRetryPolicy.Configure(resilience, OptionsOf(sp), LoggerOf(sp)));
        api.AddHttpMessageHandler(sp => new TeamUpRequestHandler(OptionsOf(sp), LoggerOf(sp)));

        services.AddHttpClient(TeamUpClient.DownloadHttpClientName)
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan) // files can be large; the caller's token bounds it
            .ConfigurePrimaryHttpMessageHandler(() => Transport())
            .RemoveAllLoggers(); // pre-signed URLs carry their signature in the query
    }

    /// <summary>
    /// The transport both pipelines end in: redirects are never followed by it (the API's are errors, credentials never
    /// follow one; an export file's are followed by hand, each hop checked), answers are decompressed, and connections
    /// are renewed every 5 minutes so that DNS changes are seen.
    /// </summary>
    public static SocketsHttpHandler Transport() => new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>
    /// The pipelines of a client made with <c>new TeamUpClient(options)</c>: the same registration as
    /// <c>AddTeamUpClient</c>, in a container of the client's own that holds nothing else (no <see cref="TeamUpClient"/>
    /// registration, so no cycle); the client disposes it.
    /// </summary>
    public static Standalone BuildStandalone(TeamUpClientOptions options, HttpMessageHandler? transport, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        copy.Validate();
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        services.AddSingleton<TimeProvider>(copy.TimeProvider);
        services.AddSingleton<IOptions<TeamUpClientOptions>>(Options.Create(copy));
        AddHttpClients(services);
        if (transport is not null)
        {
            services.AddHttpClient(TeamUpClient.ApiHttpClientName).ConfigurePrimaryHttpMessageHandler(() => new NonDisposingHandler(transport));
            services.AddHttpClient(TeamUpClient.DownloadHttpClientName).ConfigurePrimaryHttpMessageHandler(() => new NonDisposingHandler(transport));
        }
        var provider = services.BuildServiceProvider();
        return new Standalone(copy, provider.GetRequiredService<IHttpClientFactory>(), provider.GetRequiredService<ILoggerFactory>(), provider);
    }

    /// <summary>What <see cref="BuildStandalone"/> made: the options in force, the factory of the two clients, and the container to dispose.</summary>
    public sealed record Standalone(TeamUpClientOptions Options, IHttpClientFactory Factory, ILoggerFactory LoggerFactory, ServiceProvider Provider);

    private static TeamUpClientOptions OptionsOf(IServiceProvider sp) => sp.GetRequiredService<IOptions<TeamUpClientOptions>>().Value;

    private static ILogger LoggerOf(IServiceProvider sp) =>
        (sp.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("TeamUp.Generated.Http");
}
