using System.Diagnostics;

namespace TeamUp.ContractReview.Tests;

/// <summary>git:REV:path reads a committed version, so a working copy can be compared with main.</summary>
[Collection(CSharpStepCollection.Name)]
public class GitInputTests
{
    [Fact]
    public void Compares_a_committed_spec_with_the_working_copy()
    {
        var repo = Support.TempDirectory();
        var pair = Path.Combine(Support.CorpusDirectory, "request-parameter-became-required", "basic");
        Directory.CreateDirectory(Path.Combine(repo, "spec"));
        File.Copy(Path.Combine(pair, "old.yaml"), Path.Combine(repo, "spec", "api.yaml"));
        Git(repo, "init", "-q");
        Git(repo, "add", ".");
        Git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "v1");
        File.Copy(Path.Combine(pair, "new.yaml"), Path.Combine(repo, "spec", "api.yaml"), overwrite: true);

        var (exit, output, err) = Support.RunIn(repo, "git:HEAD:spec/api.yaml", "spec/api.yaml", "--csharp", "off");

        Assert.Equal("", err);
        Assert.Equal(1, exit);
        Assert.Contains("request-parameter-became-required", output);
    }

    [Fact]
    public void An_unknown_revision_exits_2_with_gits_message()
    {
        var repo = Support.TempDirectory();
        Git(repo, "init", "-q");
        var (exit, _, err) = Support.RunIn(repo, "git:no-such-branch:spec/api.yaml", "git:HEAD:spec/api.yaml");
        Assert.Equal(2, exit);
        Assert.Contains("git:no-such-branch:spec/api.yaml: git show no-such-branch:spec/api.yaml failed", err);
    }

    private static void Git(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("git", args) { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
        using var git = Process.Start(psi)!;
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {git.StandardError.ReadToEnd()}");
    }
}
