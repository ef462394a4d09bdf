using System.CommandLine;
using System.Globalization;
using TeamUp.Sandbox;

namespace TeamUp.Cli.Commands;

internal static class SandboxCommands
{
    public static Command Create(CliContext cli)
    {
        var sandbox = new Command("sandbox", "The embedded TeamUp-compatible server.");
        var port = new Option<int>("--port") { Description = "API port on 127.0.0.1 (0 = a free one).", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Dataset seed.", DefaultValueFactory = _ => 42 };
        var invoices = new Option<int>("--invoices") { Description = "Invoices in total, split over the providers.", DefaultValueFactory = _ => 5000 };
        var latency = new Option<int>("--latency") { Description = "Milliseconds added to every API response.", DefaultValueFactory = _ => 0 };
        var faultRate = new Option<double>("--fault-rate") { Description = "Share of GET requests answered 429 or 5xx (half each), e.g. 0.1.", DefaultValueFactory = _ => 0 };
        var activity = new Option<double>("--activity")
        {
            Description = "About this many invoice changes a minute (pay, void, edit an amount, add an invoice), logged on stderr.",
            DefaultValueFactory = _ => 0,
        };
        var serve = new Command("serve", "Run the sandbox until Ctrl+C; prints its base URL and token.") { port, seed, invoices, latency, faultRate, activity };
        serve.SetAction((parse, ct) => CommandRunner.GuardAsync(cli, async () =>
        {
            var rate = parse.GetValue(faultRate);
            if (rate is < 0 or > 1 || double.IsNaN(rate)) throw new UsageException("--fault-rate must be between 0 and 1.");
            if (parse.GetValue(invoices) < 0) throw new UsageException("--invoices must not be negative.");
            if (parse.GetValue(latency) < 0) throw new UsageException("--latency must not be negative.");
            if (parse.GetValue(port) is < 0 or > 65535) throw new UsageException("--port must be between 0 and 65535.");
            var changesPerMinute = parse.GetValue(activity);
            if (changesPerMinute is < 0 or > 60_000 || double.IsNaN(changesPerMinute)) throw new UsageException("--activity must be between 0 and 60000 changes a minute.");
            var options = new TeamUpSandboxOptions
            {
                Port = parse.GetValue(port),
                Seed = parse.GetValue(seed),
                Invoices = parse.GetValue(invoices),
                Faults = new SandboxFaultOptions
                {
                    Latency = TimeSpan.FromMilliseconds(parse.GetValue(latency)),
                    RateLimitRate = rate / 2,
                    ServerErrorRate = rate / 2,
                },
            };
            TeamUpSandbox started;
            try
            {
                started = await TeamUpSandbox.StartAsync(options, ct);
            }
            catch (IOException e) when (options.Port != 0
                && (e.InnerException?.GetType().Name == "AddressInUseException" || e.Message.Contains("already in use", StringComparison.OrdinalIgnoreCase)))
            {
                // The user's --port: name the conflict and the way out, not a network failure.
                throw new UsageException($"sandbox serve: port {options.Port} is already in use on 127.0.0.1; choose another --port, or 0 for a free one.");
            }
            await using var server = started;
            // The one place a token is printed: it is the sandbox's own, not a user's credential.
            await cli.Out.WriteLineAsync($"TeamUp sandbox listening on {server.BaseUrl}");
            await cli.Out.WriteLineAsync($"  token (Authorization: Token):   {server.Token}");
            await cli.Out.WriteLineAsync($"  bearer (Authorization: Bearer): {server.BearerToken}");
            await cli.Out.WriteLineAsync($"  providers: {string.Join(", ", server.ProviderIds.Select(id => id.ToString(CultureInfo.InvariantCulture)))} (default {server.DefaultProviderId})");
            await cli.Out.WriteLineAsync($"  export files served from {server.DownloadOrigin}");
            await cli.Out.WriteLineAsync($"Try: TEAMUP_BASE_URL={server.BaseUrl} TEAMUP_TOKEN={server.Token} teamup invoices list --max 3");
            await cli.Out.FlushAsync(ct);
            cli.Log("press Ctrl+C to stop");
            if (changesPerMinute > 0)
            {
                cli.Log($"invoice activity: about {changesPerMinute.ToString(CultureInfo.InvariantCulture)} changes a minute");
            }
            try
            {
                if (changesPerMinute > 0)
                {
                    await RunActivityAsync(cli, server, changesPerMinute, parse.GetValue(seed), ct);
                }
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }
            cli.Log("sandbox stopped");
            return ExitCodes.Ok;
        }, CancellationToken.None));
        sandbox.Subcommands.Add(serve);
        return sandbox;
    }

    /// <summary>
    /// Random changes at random intervals averaging 60/N seconds (exponential gaps, like independent arrivals), each
    /// logged on stderr so a walkthrough can show which invoices turned new or changed.
    /// </summary>
    private static async Task RunActivityAsync(CliContext cli, TeamUpSandbox server, double changesPerMinute, int seed, CancellationToken ct)
    {
        var random = new Random(seed);
        var mean = 60.0 / changesPerMinute;
        while (true)
        {
            var gap = -Math.Log(1 - random.NextDouble()) * mean;
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(gap, mean * 10)), ct);
            var change = server.Activity.Random(random);
            cli.Log($"activity: {change}");
            await cli.Err.FlushAsync(ct);
        }
    }
}
