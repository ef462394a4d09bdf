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

    /// <summary>Reads an environment variable (TEAMUP_*); tests run with their own environment, not the machine's.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Where <c>-</c> reads from (<c>exports mark -</c>): the console's stdin unless a test gives its own.</summary>
    public Func<TextReader> Stdin { get; init; } = () => System.Console.In;

    public static CliHost Console => new(!System.Console.IsErrorRedirected && System.Environment.GetEnvironmentVariable("TERM") != "dumb");
    public static CliHost Plain => new(false);
}

/// <summary>The writers of one run: data goes to <see cref="Out"/>, progress and logs to <see cref="Err"/>.</summary>
internal sealed record CliContext(TextWriter Out, TextWriter Err, CliHost Host)
{
    /// <summary>
    /// One line on stderr. Messages quote server text (an error detail, a file name), so control characters are shown as
    /// <c>\xNN</c> instead of reaching the terminal: no escape sequence can clear the screen or retitle the window, and
    /// no line break can forge a <c>teamup:</c> line.
    /// </summary>
    public void Log(string message) => Err.WriteLine($"teamup: {TerminalText.Escape(message)}");
}

/// <summary>A mistake in the command line that the parser could not see (bad filter key, bad value, missing token).</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Text from elsewhere made safe to print on a terminal.</summary>
internal static class TerminalText
{
    /// <summary>Whether a character would act on a terminal instead of being shown: C0/C1 controls, DEL, bidi overrides, line separators.</summary>
    public static bool IsUnsafe(char c) =>
        char.IsControl(c)
        || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C' or '\u2028' or '\u2029';

    /// <summary>Unsafe characters written as <c>\xNN</c> or <c>\uNNNN</c>.</summary>
    public static string Escape(string text) => Escape(text, keep: null);

    /// <summary>As <see cref="Escape(string)"/>, keeping the characters <paramref name="keep"/> allows (a tab in CSV data).</summary>
    public static string Escape(string text, Func<char, bool>? keep)
    {
        if (!text.Any(c => IsUnsafe(c) && keep?.Invoke(c) != true))
        {
            return text;
        }
        var result = new System.Text.StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (!IsUnsafe(c) || keep?.Invoke(c) == true)
            {
                result.Append(c);
            }
            else
            {
                result.Append(c <= '\u00FF' ? $"\\x{(int)c:X2}" : $"\\u{(int)c:X4}");
            }
        }
        return result.ToString();
    }
}
