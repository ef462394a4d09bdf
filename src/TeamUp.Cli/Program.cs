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
                await stderr.WriteLineAsync($"teamup: {TerminalText.Escape(FriendlyTypeNames(error.Message))}");
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

    /// <summary>The parser names .NET types ("as expected type 'System.Int32'"); a user reads what to type instead.</summary>
    internal static string FriendlyTypeNames(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message, @"as expected type '([^']+)'", match => match.Groups[1].Value switch
        {
            "System.Int32" or "System.Nullable`1[System.Int32]" => "as a whole number (up to 2147483647)",
            "System.Int64" or "System.Nullable`1[System.Int64]" => "as a whole number",
            "System.Double" or "System.Nullable`1[System.Double]" => "as a number",
            "System.Boolean" => "as true or false",
            "System.IO.FileInfo" or "System.String" => "as a file path",
            var other => $"as {other.Split('.', '[', ']', '`').Last(p => p.Length > 0)}",
        });
}
