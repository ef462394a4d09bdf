using System.Diagnostics;

namespace TeamUp.ContractReview.Tests;

/// <summary>
/// On a throwaway git copy of the project's generation inputs: git:HEAD is generated with
/// HEAD's hand-written sources, the working copy with the working copy's, and a spec change
/// that breaks hand-written code is reported as such.
/// </summary>
public class ProjectCopyTests
{
    private const string Spec = "spec/teamup.openapi.yaml";

    [Fact]
    public void Git_revision_and_working_copy_each_bring_their_own_hand_written_sources()
    {
        var repo = CopyOfProject();
        File.WriteAllText(Path.Combine(repo, "src", "TeamUp.Generated", "ReviewProbe.cs"),
            "namespace TeamUp.Generated;\npublic static class ReviewProbe { public static int Answer => 42; }\n");

        var (exit, md, err) = Support.RunIn(repo, $"git:HEAD:{Spec}", Spec, "--format", "markdown", "--no-cache");

        Assert.Equal("", err);
        Assert.Equal(0, exit);
        Assert.Matches(@"\n\+\s*public static class ReviewProbe", md);
        Assert.Contains("suggested version bump: minor", md);
    }

    [Fact]
    public void A_spec_change_that_breaks_hand_written_code_is_shown_with_the_compiler_errors()
    {
        var repo = CopyOfProject();
        File.WriteAllText(Path.Combine(repo, "src", "TeamUp.Generated", "ReviewProbe.cs"),
            "namespace TeamUp.Generated;\npublic static class ReviewProbe { public static decimal Twice(Money m) => m.Decimal * 2; }\n");
        Commit(repo, "probe");
        File.WriteAllText(Path.Combine(repo, Spec),
            RealSpec.Edited(root => RealSpec.Schema(root, "Money")["properties"]!["decimal"]!["type"] = "string"));

        var (exit, md, _) = Support.RunIn(repo, $"git:HEAD:{Spec}", Spec, "--format", "markdown", "--no-cache");

        Assert.Equal(1, exit);
        Assert.Contains("no longer compiles together with the hand-written sources", md);
        Assert.Contains("ReviewProbe.cs(2,", md);
        Assert.Contains("the generated client no longer builds with the hand-written sources", md);
    }

    private static string CopyOfProject()
    {
        var repo = Support.TempDirectory();
        var root = Support.RepoRoot;
        File.Copy(Path.Combine(root, "nswag.json"), Path.Combine(repo, "nswag.json"));
        Copy(Path.Combine(root, "generator", "templates"), Path.Combine(repo, "generator", "templates"));
        Copy(Path.Combine(root, "src", "TeamUp.Generated"), Path.Combine(repo, "src", "TeamUp.Generated"));
        Directory.CreateDirectory(Path.Combine(repo, "spec"));
        File.Copy(RealSpec.Path, Path.Combine(repo, Spec));
        Git(repo, "init", "-q");
        Commit(repo, "copy");
        return repo;
    }

    private static void Copy(string from, string to)
    {
        string[] skipped = ["bin", "obj", "Generated"];
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (skipped.Contains(relative.Split(Path.DirectorySeparatorChar)[0])) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }

    private static void Commit(string repo, string message)
    {
        Git(repo, "add", ".");
        Git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", message);
    }

    private static void Git(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("git", args) { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
        using var git = Process.Start(psi)!;
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {git.StandardError.ReadToEnd()}");
    }
}
