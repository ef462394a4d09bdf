using TeamUp.ContractReview.Review;

namespace TeamUp.ContractReview;

/// <summary>The command line, parsed; an ArgumentException means usage (exit 2).</summary>
internal sealed record Options(string Old, string New, string Format, Level FailOn, string CSharp, string? ProjectRoot, bool UseCache, bool OldInputsFromRevision)
{
    public static Options Parse(string[] args)
    {
        var positional = new List<string>();
        string format = "text", csharp = "auto";
        string? projectRoot = null;
        var failOn = Level.ERR;
        var useCache = true;
        var oldInputsFromRevision = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--format":
                    format = Value();
                    if (format is not ("text" or "markdown" or "json")) throw new ArgumentException($"unknown format '{format}'");
                    break;
                case "--fail-on":
                    var level = Value();
                    if (!Enum.TryParse(level, ignoreCase: true, out failOn) || !Enum.IsDefined(failOn))
                        throw new ArgumentException($"unknown level '{level}' (ERR, WARN or INFO)");
                    break;
                case "--csharp":
                    csharp = Value();
                    if (csharp is not ("auto" or "on" or "off")) throw new ArgumentException($"--csharp takes auto, on or off, not '{csharp}'");
                    break;
                case "--old-inputs":
                    var inputs = Value();
                    if (inputs is not ("working-copy" or "revision")) throw new ArgumentException($"--old-inputs takes working-copy or revision, not '{inputs}'");
                    oldInputsFromRevision = inputs == "revision";
                    break;
                case "--no-cache":
                    useCache = false;
                    break;
                case "--project-root":
                    projectRoot = Value();
                    break;
                case var flag when flag.StartsWith("--", StringComparison.Ordinal):
                    throw new ArgumentException($"unknown option {flag}");
                default:
                    positional.Add(args[i]);
                    break;
            }
        }
        if (positional.Count != 2) throw new ArgumentException("expected exactly two specs, OLD and NEW");
        return new Options(positional[0], positional[1], format, failOn, csharp, projectRoot, useCache, oldInputsFromRevision);
    }
}
