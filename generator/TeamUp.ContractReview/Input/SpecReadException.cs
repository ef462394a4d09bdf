namespace TeamUp.ContractReview.Input;

/// <summary>The input cannot be reviewed; the message names the file and, when known, the line.</summary>
public sealed class SpecReadException(string source, string message, int? line = null, int? column = null)
    : Exception(Format(source, message, line, column))
{
    public string InputName { get; } = source;
    public int? Line { get; } = line;

    private static string Format(string source, string message, int? line, int? column) =>
        line is null ? $"{source}: {message}"
        : column is null ? $"{source}:{line}: {message}"
        : $"{source}:{line}:{column}: {message}";
}
