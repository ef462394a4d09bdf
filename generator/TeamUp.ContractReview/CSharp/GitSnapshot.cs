using System.Diagnostics;
using System.Formats.Tar;

namespace TeamUp.ContractReview.CSharp;

/// <summary>
/// The package's generation inputs (nswag.json, templates, hand-written sources) as they were
/// at a git revision, so git:main:spec/… is generated the way main generates it, not with
/// the working copy's templates and partial classes.
/// </summary>
internal sealed class GitSnapshot : IDisposable
{
    private static readonly string[] Inputs = ["nswag.json", "generator/templates", "src/TeamUp.Generated"];

    public ProjectLayout Layout { get; }

    private GitSnapshot(ProjectLayout layout) => Layout = layout;

    public static GitSnapshot At(ProjectLayout workingCopy, string revision)
    {
        // git archive has no --end-of-options (it reads it as a path): a revision that looks like an option is refused here.
        if (!Input.SpecLoader.IsRevision(revision))
            throw new CSharpUnavailableException($"'{revision}' is not a revision");
        var root = Path.Combine(Path.GetTempPath(), "teamup-contract-review", "snapshots", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var psi = new ProcessStartInfo("git", ["-C", workingCopy.Root, "archive", "--format=tar", revision, "--", .. Inputs])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var git = Process.Start(psi) ?? throw new CSharpUnavailableException("could not run git");
        var stderr = git.StandardError.ReadToEndAsync();
        var archive = git.StandardOutput.BaseStream;
        using (var tar = new TarReader(archive, leaveOpen: true))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                var target = Path.GetFullPath(Path.Combine(root, entry.Name));
                if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                entry.ExtractToFile(target, overwrite: true);
            }
        }
        // The reader stops at tar's end marker, but git still writes the record padding after it: closing the pipe
        // first killed git with SIGPIPE (exit 141, no message) now and then.
        archive.CopyTo(Stream.Null);
        git.WaitForExit();
        if (git.ExitCode != 0)
            throw new CSharpUnavailableException(
                $"the generation inputs at {revision} could not be read: git archive exited {git.ExitCode} {stderr.Result.Trim()}".TrimEnd());
        return new GitSnapshot(new ProjectLayout(root));
    }

    public void Dispose()
    {
        try { Directory.Delete(Layout.Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
