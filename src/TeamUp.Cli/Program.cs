using System.CommandLine;

namespace TeamUp.Cli;

/// <summary>The entry point, callable in-process with any writers (tests do).</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error, CliHost.Console);

    /// <summary>Runs the tool with <paramref name="stdout"/> for data and <paramref name="stderr"/> for progress and logs; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default) =>
        RunAsync(args, stdout, stderr, CliHost.Plain, cancellationToken);

    internal static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CliHost host, CancellationToken cancellationToken = default)
    {
        var context = new CliContext(stdout, stderr, host);
        var root = RootCommandFactory.Create(context);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"teamup: {error.Message}");
            }
            await stderr.WriteLineAsync("Run 'teamup --help' (or add --help to the command) for usage.");
            return ExitCodes.Usage;
        }
        // System.CommandLine leaves Ctrl+C/SIGTERM alone unless given a termination timeout: without it the commands'
        // cancellation token never fired and `sandbox serve` ignored both.
        return await parse.InvokeAsync(
            new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = TimeSpan.FromSeconds(10) },
            cancellationToken);
    }
}
