using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TeamUp.Generated;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the TeamUp client on <see cref="IHttpClientFactory"/>.</summary>
public static class TeamUpServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="TeamUpClient"/>, <see cref="IInvoicesClient"/>, <see cref="IReportsClient"/> and
    /// <see cref="IJobsClient"/>, with the named HTTP clients <see cref="TeamUpClient.ApiHttpClientName"/> (credentials,
    /// standard resilience handler set up for TeamUp, telemetry) and <see cref="TeamUpClient.DownloadHttpClientName"/>
    /// (export files: no credentials, no automatic redirects).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    public static IServiceCollection AddTeamUpClient(this IServiceCollection services, Action<TeamUpClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<TeamUpClientOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>As <see cref="AddTeamUpClient(IServiceCollection, Action{TeamUpClientOptions})"/>, binding the options from a
    /// configuration section (e.g. <c>configuration.GetSection("TeamUp")</c> with <c>ApiKey</c>, <c>ProviderId</c>,
    /// <c>RequestMode</c>, <c>BaseUrl</c>, <c>TotalTimeout</c>...).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the options.</param>
    public static IServiceCollection AddTeamUpClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TeamUpClientOptions>().Configure(options => Bind(configuration, options));
        return AddCore(services);
    }

    internal static void Bind(IConfiguration configuration, TeamUpClientOptions options)
    {
        // RequestMode is an extensible enum (a struct the binder cannot build) and TimeProvider is not
        // configuration: both are left to code.
        var mode = configuration[nameof(TeamUpClientOptions.RequestMode)];
        var bindable = new ConfigurationBuilder()
            .AddInMemoryCollection(configuration.AsEnumerable(makePathsRelative: true)
                .Where(pair => pair.Value is not null
                    && !pair.Key.StartsWith(nameof(TeamUpClientOptions.RequestMode), StringComparison.OrdinalIgnoreCase)
                    && !pair.Key.StartsWith(nameof(TeamUpClientOptions.TimeProvider), StringComparison.OrdinalIgnoreCase)))
            .Build();
        bindable.Bind(options);
        if (!string.IsNullOrWhiteSpace(mode))
        {
            options.RequestMode = new RequestMode(mode.Trim());
        }
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TeamUpClientOptions>, OptionsValidator>());
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
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, // a redirect is an error: credentials never follow one
                AutomaticDecompression = System.Net.DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .RemoveAllLoggers() // the default logger writes full URLs, query values included
            .AddHttpMessageHandler(sp => new TeamUpOperationHandler(OptionsOf(sp), LoggerOf(sp)));
        api.AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) => TeamUpRetryPolicy.Configure(resilience, OptionsOf(sp), LoggerOf(sp)));
        api.AddHttpMessageHandler(sp => new TeamUpRequestHandler(OptionsOf(sp), LoggerOf(sp)));

        services.AddHttpClient(TeamUpClient.DownloadHttpClientName)
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan) // files can be large; the caller's token bounds it
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, // followed by hand, each hop checked
                AutomaticDecompression = System.Net.DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .RemoveAllLoggers(); // pre-signed URLs carry their signature in the query

        services.TryAddTransient(sp => new TeamUpClient(OptionsOf(sp), sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetService<ILoggerFactory>(), owned: null));
        services.TryAddTransient<IInvoicesClient>(sp => sp.GetRequiredService<TeamUpClient>().Invoices);
        services.TryAddTransient<IReportsClient>(sp => sp.GetRequiredService<TeamUpClient>().Reports);
        services.TryAddTransient<IJobsClient>(sp => sp.GetRequiredService<TeamUpClient>().Jobs);
        return services;
    }

    private static TeamUpClientOptions OptionsOf(IServiceProvider sp) => sp.GetRequiredService<IOptions<TeamUpClientOptions>>().Value;

    private static ILogger LoggerOf(IServiceProvider sp) =>
        (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("TeamUp.Generated.Http");

    private sealed class OptionsValidator : IValidateOptions<TeamUpClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, TeamUpClientOptions options)
        {
            var problems = options.ValidationErrors();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
