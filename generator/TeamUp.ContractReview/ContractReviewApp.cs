using TeamUp.ContractReview.CSharp;
using TeamUp.ContractReview.Input;
using TeamUp.ContractReview.Reporting;
using TeamUp.ContractReview.Review;
using TeamUp.ContractReview.Rules;

namespace TeamUp.ContractReview;

/// <summary>
/// The command line: exit 0 when nothing reaches --fail-on, 1 when something does (a spec change, or the C# consequence:
/// a removed or changed public member or a NEW that does not build is ERR), 2 when an input cannot be read.
/// </summary>
public static class ContractReviewApp
{
    public const int Clean = 0, Failed = 1, Unreadable = 2;

    private const string Usage = """
        usage: TeamUp.ContractReview --help | --list-rules
               TeamUp.ContractReview OLD NEW [--format text|markdown|json] [--fail-on ERR|WARN|INFO]
                                             [--csharp auto|on|off] [--project-root DIR] [--no-cache]
                                             [--old-inputs working-copy|revision]
          OLD, NEW      an OpenAPI 3.0/3.1 file (YAML or JSON) or git:REV:path (e.g. git:main:spec/teamup.openapi.yaml)
          --csharp      auto (default) also diffs the generated C# API when the files are the project's own spec
          --no-cache    regenerate and recompile OLD even if its public API is cached
          --old-inputs  working-copy (default): OLD is generated with the working copy's nswag.json, templates
                        and hand-written sources, so only the spec differs; revision: with REV's own
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, string? workingDirectory = null)
    {
        if (args is ["--help"] or ["-h"] or ["-?"])
        {
            stdout.WriteLine(Usage);
            stdout.WriteLine("""
                Exit code: 0 when nothing reaches --fail-on (default ERR), 1 when something does, 2 when an input cannot be
                read. Both levels count: the spec's changes, and the C# consequence (a public member removed or changed, or
                NEW not building with the hand-written sources, is ERR; members only added are INFO).
                """);
            return Clean;
        }
        if (args is ["--list-rules"])
        {
            stdout.Write(RuleList.Render());
            return Clean;
        }
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            stderr.WriteLine(Usage);
            return Unreadable;
        }

        var cwd = workingDirectory ?? Environment.CurrentDirectory;
        Spec oldSpec, newSpec;
        IReadOnlyList<Change> changes;
        try
        {
            oldSpec = SpecLoader.Load(options.Old, cwd);
            newSpec = SpecLoader.Load(options.New, cwd);
            changes = Review(oldSpec, newSpec);
        }
        catch (SpecReadException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return Unreadable;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A document the reader or the rules choke on (a $ref cycle they did not expect, say) is unreadable input,
            // said in one line with exit 2, never an unhandled exception that fails the CI step without a reason.
            stderr.WriteLine($"error: {options.Old} / {options.New}: the documents could not be reviewed: {e.GetType().Name}: {e.Message}");
            return Unreadable;
        }

        var (csharp, note) = CSharpStep(options, oldSpec, newSpec, cwd);
        var result = new ReviewResult(options.Old, options.New, changes, csharp, note) { InputNotes = [.. oldSpec.Notes, .. newSpec.Notes] };
        stdout.Write(options.Format switch
        {
            "markdown" => MarkdownReport.Render(result),
            "json" => JsonReport.Render(result),
            _ => TextReport.Render(result),
        });
        return result.Fails(options.FailOn) ? Failed : Clean;
    }

    private static IReadOnlyList<Change> Review(Spec oldSpec, Spec newSpec)
    {
        try
        {
            return SpecReviewer.Compare(oldSpec.Document, newSpec.Document);
        }
        catch (UnresolvedReferenceException e)
        {
            throw AtReference(oldSpec, newSpec, e.Reference, e.Message);
        }
        catch (InvalidOperationException e) when (System.Text.RegularExpressions.Regex.Match(e.Message, @"Circular reference detected while resolving reference: (?<ref>\S+)") is { Success: true } cycle)
        {
            // The OpenAPI reader resolves a $ref that leads back to itself (not through a schema's properties, which is
            // legal recursion) only when asked for it, deep in the review: said as the unreadable input it is.
            var reference = cycle.Groups["ref"].Value;
            throw AtReference(oldSpec, newSpec, reference, $"$ref '{reference}' leads back to itself (a reference cycle)");
        }
    }

    // Which file holds the $ref: the one whose text mentions it (NEW first: a pull request changes NEW).
    private static SpecReadException AtReference(Spec oldSpec, Spec newSpec, string reference, string message)
    {
        var source = newSpec.Text.Contains(reference, StringComparison.Ordinal) ? newSpec : oldSpec;
        var line = source.Text.Split('\n').Select((text, i) => (text, i)).FirstOrDefault(l => l.text.Contains(reference, StringComparison.Ordinal)).i + 1;
        return new SpecReadException(source.Source, message, line);
    }

    private static (ApiDiff?, string?) CSharpStep(Options options, Spec oldSpec, Spec newSpec, string cwd)
    {
        if (options.CSharp == "off") return (null, null);
        var root = options.ProjectRoot is { } given ? Path.GetFullPath(given, cwd) : ProjectLayout.FindRoot(cwd);
        if (root is null)
            return (null, options.CSharp == "on" ? "not compared: no nswag.json found above the working directory (use --project-root)" : null);
        var layout = new ProjectLayout(root);
        if (options.CSharp == "auto" && !layout.IsOwnSpec(options.Old, options.New))
            return (null, null);
        try
        {
            // Both sides with the working copy's nswag.json, templates and hand-written sources,
            // so the diff is what the spec change does, and nothing else.
            if (!options.OldInputsFromRevision)
            {
                try
                {
                    return (CSharpConsequence.Compare(layout, layout, oldSpec.Text, newSpec.Text, options.UseCache), null);
                }
                catch (CSharpUnavailableException e) when (e.InnerException is PackageDoesNotCompileException
                                                           && SpecLoader.TryParseGit(options.Old, out _, out _))
                {
                    // OLD's spec no longer fits today's hand-written code: fall through to OLD's own inputs.
                }
            }
            using var oldSnapshot = SnapshotFor(options.Old, layout);
            var diff = CSharpConsequence.Compare(oldSnapshot?.Layout ?? layout, layout, oldSpec.Text, newSpec.Text, options.UseCache);
            return (diff, oldSnapshot is null ? null
                : "OLD was generated with its own revision's nswag.json, templates and hand-written sources, so the C# diff also shows changes to those.");
        }
        catch (CSharpUnavailableException e)
        {
            return (null, $"not compared: {e.Message}. The spec-level review above is complete.");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The C# step is an addition to the review; it never takes the spec-level result down with it.
            return (null, $"not compared: unexpected {e.GetType().Name}: {e.Message}. The spec-level review above is complete.");
        }
    }

    // With --old-inputs revision (or when OLD's spec does not build with today's sources), a spec
    // read from git is generated with that revision's nswag.json, templates and partial classes.
    private static GitSnapshot? SnapshotFor(string argument, ProjectLayout workingCopy) =>
        SpecLoader.TryParseGit(argument, out var revision, out _) ? GitSnapshot.At(workingCopy, revision) : null;
}
