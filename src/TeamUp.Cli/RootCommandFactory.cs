using System.CommandLine;
using TeamUp.Cli.Commands;

namespace TeamUp.Cli;

internal static class RootCommandFactory
{
    public static RootCommand Create(CliContext cli)
    {
        var global = new GlobalOptions(cli.Host.Environment);
        var root = new RootCommand(
            "teamup: TeamUp API v2 invoices, reports and export jobs from the command line. " +
            "Without --base-url (or TEAMUP_BASE_URL) it runs against an embedded sandbox with seeded data.");
        global.AddTo(root);
        root.Subcommands.Add(InvoicesCommands.Create(cli, global));
        root.Subcommands.Add(ReportsCommands.Create(cli, global));
        root.Subcommands.Add(JobsCommands.Create(cli, global));
        root.Subcommands.Add(ExportsCommands.Create(cli, global));
        root.Subcommands.Add(SandboxCommands.Create(cli));
        return root;
    }
}
