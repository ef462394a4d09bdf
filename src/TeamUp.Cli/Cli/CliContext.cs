namespace TeamUp.Cli;

/// <summary>Exit codes of the tool.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int ApiFailure = 1;
    public const int Usage = 2;
}

/// <summary>Where the tool runs: a real console (progress bars when stderr is a terminal) or plain writers.</summary>
internal sealed record CliHost(bool StderrIsTerminal)
{
    /// <summary>Adjusts the client options of every run after the command line has set them (tests shorten retry waits).</summary>
    public Action<TeamUp.Generated.TeamUpClientOptions>? ConfigureClient { get; init; }

    /// <summary>Where <c>-</c> reads from (<c>exports mark -</c>): the console's stdin unless a test gives its own.</summary>
    public Func<TextReader> Stdin { get; init; } = () => System.Console.In;

    public static CliHost Console => new(!System.Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb");
    public static CliHost Plain => new(false);
}

/// <summary>The writers of one run: data goes to <see cref="Out"/>, progress and logs to <see cref="Err"/>.</summary>
internal sealed record CliContext(TextWriter Out, TextWriter Err, CliHost Host)
{
    public void Log(string message) => Err.WriteLine($"teamup: {message}");
}

/// <summary>A mistake in the command line that the parser could not see (bad filter key, bad value, missing token).</summary>
internal sealed class UsageException(string message) : Exception(message);
