using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace TeamUp.Generated;

/// <summary>
/// The names under which the client reports traces and metrics, for OpenTelemetry:
/// <c>.AddSource(TeamUpTelemetry.Name)</c> and <c>.AddMeter(TeamUpTelemetry.Name)</c>.
/// </summary>
public static class TeamUpTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> and <see cref="Meter"/> name: <c>TeamUp.Generated</c>.</summary>
    public const string Name = "TeamUp.Generated";

    /// <summary>Counter: HTTP attempts sent (tags <c>teamup.operation</c>, <c>http.request.method</c>, <c>http.response.status_code</c>, <c>server.address</c>).</summary>
    public const string RequestsInstrument = "teamup.client.requests";

    /// <summary>Counter: attempts that were retries of an earlier one (same tags).</summary>
    public const string RetriesInstrument = "teamup.client.retries";

    /// <summary>Histogram: how long an operation took in seconds, retries included (same tags).</summary>
    public const string DurationInstrument = "teamup.client.operation.duration";

    /// <summary>Counter: required properties an answer's objects arrived without, read anyway (tags <c>teamup.operation</c>, <c>teamup.field</c> as <c>Type.json_name</c>).</summary>
    public const string ContractViolationsInstrument = "teamup.client.contract_violations";

    internal static readonly string Version =
        typeof(TeamUpTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(TeamUpTelemetry).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    internal static readonly ActivitySource Source = new(Name, Version);
    internal static readonly Meter Meter = new(Name, Version);
    internal static readonly Counter<long> Requests = Meter.CreateCounter<long>(RequestsInstrument, "{request}", "HTTP attempts sent to TeamUp.");
    internal static readonly Counter<long> Retries = Meter.CreateCounter<long>(RetriesInstrument, "{retry}", "HTTP attempts that retried an earlier one.");
    internal static readonly Counter<long> ContractViolations = Meter.CreateCounter<long>(ContractViolationsInstrument, "{field}", "Required properties TeamUp left out of an object, read tolerantly.");
    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(DurationInstrument, "s", "Duration of TeamUp operations, retries included.");
}
