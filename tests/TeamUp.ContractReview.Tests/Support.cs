using TeamUp.ContractReview;
using TeamUp.ContractReview.Input;
using TeamUp.ContractReview.Review;

namespace TeamUp.ContractReview.Tests;

internal static class Support
{
    public static string CorpusDirectory => Path.Combine(AppContext.BaseDirectory, "Corpus");

    /// <summary>The repository this test runs from: the folder that holds nswag.json.</summary>
    public static string RepoRoot =>
        CSharp.ProjectLayout.FindRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("nswag.json not found above the test binaries");

    public static IReadOnlyList<Change> Review(string oldText, string newText) =>
        SpecReviewer.Compare(SpecLoader.Parse(oldText, "old").Document, SpecLoader.Parse(newText, "new").Document);

    public static (int Exit, string Out, string Err) Run(params string[] args) => RunIn(null, args);

    public static (int Exit, string Out, string Err) RunIn(string? cwd, params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = ContractReviewApp.Run(args, stdout, stderr, cwd);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "contract-review-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
