using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Xunit.Sdk;

namespace TeamUp.Generated.Tests.Infrastructure;

/// <summary>
/// Snapshot assertions in Verify's conventions (Verify itself does not restore from our package mirror):
/// <c>Snapshots/&lt;name&gt;.verified.&lt;ext&gt;</c> is committed beside the test; on a mismatch the actual text
/// goes to <c>.received.&lt;ext&gt;</c> and the failure shows a line diff. Set <c>VERIFY_ACCEPT=1</c> to accept.
/// </summary>
public static class Snapshot
{
    public const string AcceptVariable = "VERIFY_ACCEPT";

    public static void Verify(string actual, string name, string extension = "txt", [CallerFilePath] string testFile = "")
    {
        var folder = Path.Combine(Path.GetDirectoryName(SourcePath(testFile))!, "Snapshots");
        Directory.CreateDirectory(folder);
        var verified = Path.Combine(folder, $"{name}.verified.{extension}");
        var received = Path.Combine(folder, $"{name}.received.{extension}");
        actual = Normalize(actual);

        var expected = File.Exists(verified) ? Normalize(File.ReadAllText(verified)) : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }
        if (Accepting)
        {
            File.WriteAllText(verified, actual, new UTF8Encoding(false));
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual, new UTF8Encoding(false));
        throw new XunitException(expected is null
            ? $"No verified snapshot yet: review {received} and rename it to {Path.GetFileName(verified)}, or rerun with {AcceptVariable}=1."
            : $"Snapshot {Path.GetFileName(verified)} differs (actual text in {Path.GetFileName(received)}; rerun with {AcceptVariable}=1 to accept):\n{Diff(expected, actual)}");
    }

    // A deterministic CI build (ContinuousIntegrationBuild) maps the repository root to "/_/" in compiled paths.
    private static string SourcePath(string compiledPath) =>
        File.Exists(compiledPath) || !compiledPath.StartsWith("/_/", StringComparison.Ordinal)
            ? compiledPath
            : Path.Combine(Repo.Root, compiledPath[3..]);

    private static bool Accepting =>
        Environment.GetEnvironmentVariable(AcceptVariable) is "1" or "true" or "TRUE" or "True";

    // Snapshots compare by content, not by the platform's line endings.
    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd('\n') + "\n";

    internal static string Diff(string expected, string actual, int context = 3, int maxLines = 200)
    {
        var model = InlineDiffBuilder.Diff(expected, actual, ignoreWhiteSpace: false);
        var lines = model.Lines;
        var show = new bool[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Type is ChangeType.Inserted or ChangeType.Deleted)
            {
                for (var j = Math.Max(0, i - context); j <= Math.Min(lines.Count - 1, i + context); j++)
                {
                    show[j] = true;
                }
            }
        }
        var output = new StringBuilder();
        var written = 0;
        for (var i = 0; i < lines.Count && written < maxLines; i++)
        {
            if (!show[i])
            {
                if (i > 0 && show[i - 1])
                {
                    output.AppendLine("  ...");
                }
                continue;
            }
            var prefix = lines[i].Type switch { ChangeType.Inserted => "+ ", ChangeType.Deleted => "- ", _ => "  " };
            output.Append(prefix).AppendLine(lines[i].Text);
            written++;
        }
        if (written >= maxLines)
        {
            output.AppendLine("  ... (diff cut)");
        }
        return output.ToString();
    }
}
