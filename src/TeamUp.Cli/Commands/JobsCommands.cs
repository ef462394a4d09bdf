using System.CommandLine;
using TeamUp.Generated;
using TeamUp.Generated.Serialization;

namespace TeamUp.Cli.Commands;

internal static class JobsCommands
{
    public static Command Create(CliContext cli, GlobalOptions global)
    {
        var jobs = new Command("jobs", "Export jobs.");
        var id = new Argument<int>("ID") { Description = "The job id (from reports export)." };
        var get = new Command("get", "Print an export job as JSON (progress and, when done, its result_url).") { id };
        get.SetAction((parse, ct) => CommandRunner.GuardAsync(cli, async () =>
        {
            var settings = global.Resolve(parse);
            return await CommandRunner.WithSessionAsync(cli, settings, async session =>
            {
                var job = await session.Client.Jobs.RetrieveAsync(parse.GetValue(id), ct);
                await cli.Out.WriteLineAsync(TeamUpJson.Serialize(job, indented: true));
                return ExitCodes.Ok;
            }, ct);
        }, ct));
        jobs.Subcommands.Add(get);
        return jobs;
    }
}
