using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
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
        TeamUpPipeline.AddHttpClients(services);
        services.TryAddTransient(sp => new TeamUpClient(OptionsOf(sp), sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetService<ILoggerFactory>(), owned: null));
        services.TryAddTransient<IInvoicesClient>(sp => sp.GetRequiredService<TeamUpClient>().Invoices);
        services.TryAddTransient<IReportsClient>(sp => sp.GetRequiredService<TeamUpClient>().Reports);
        services.TryAddTransient<IJobsClient>(sp => sp.GetRequiredService<TeamUpClient>().Jobs);
        return services;
    }

    private static TeamUpClientOptions OptionsOf(IServiceProvider sp) => sp.GetRequiredService<IOptions<TeamUpClientOptions>>().Value;

    private sealed class OptionsValidator : IValidateOptions<TeamUpClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, TeamUpClientOptions options)
        {
            var problems = options.ValidationErrors();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
