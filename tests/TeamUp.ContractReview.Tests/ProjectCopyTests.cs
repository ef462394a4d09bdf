using System.Diagnostics;

namespace TeamUp.ContractReview.Tests;

/// <summary>
/// On a throwaway git copy of the project's generation inputs: git:HEAD is generated with
/// HEAD's hand-written sources, the working copy with the working copy's, and a spec change
/// that breaks hand-written code is reported as such.
/// </summary>
[Collection(CSharpStepCollection.Name)]
public class ProjectCopyTests
{
    private const string Spec = "spec/teamup.openapi.yaml";

    [Fact]
    public void By_default_both_sides_use_the_working_copys_sources_so_only_the_spec_makes_a_difference()
    {
        var repo = CopyOfProject();
        File.WriteAllText(Path.Combine(repo, "src", "TeamUp.Generated", "ReviewProbe.cs"), Probe("public static int Answer => 42;"));

        var (exit, md, err) = Support.RunIn(repo, $"git:HEAD:{Spec}", Spec, "--format", "markdown", "--no-cache");

        Assert.Equal("", err);
        Assert.Equal(0, exit);
        Assert.Contains("The public API of TeamUp.Generated does not change.", md);
    }

    [Fact]
    public void With_old_inputs_from_the_revision_its_own_hand_written_sources_are_used()
    {
        var repo = CopyOfProject();
        File.WriteAllText(Path.Combine(repo, "src", "TeamUp.Generated", "ReviewProbe.cs"), Probe("public static int Answer => 42;"));

        var (exit, md, err) = Support.RunIn(repo, $"git:HEAD:{Spec}", Spec, "--format", "markdown", "--no-cache", "--old-inputs", "revision");

        Assert.Equal("", err);
        Assert.Equal(0, exit);
        Assert.Matches(@"\n\+\s*public static class ReviewProbe", md);
        Assert.Contains("suggested version bump: minor", md);
    }

    [Fact]
    public void When_old_does_not_build_with_todays_sources_it_is_built_with_its_own()
    {
        // OLD's spec gives Money a `digits` field; since then it was dropped from the spec and
        // hand-written as a computed property, which clashes with OLD's generated one.
        var repo = CopyOfProject();
        File.WriteAllText(Path.Combine(repo, Spec),
            SpecFixture.Edited(root => SpecFixture.Schema(root, "Money")["properties"]!.AsObject().Add("digits", new System.Text.Json.Nodes.JsonObject { ["type"] = "integer" })));
        Commit(repo, "money digits from the API");
        File.Copy(SpecFixture.Path, Path.Combine(repo, Spec), overwrite: true);
        File.WriteAllText(Path.Combine(repo, "src", "TeamUp.Generated", "Money.Digits.cs"),
            "namespace TeamUp.Generated;\npublic partial class Money { public int Digits => 2; }\n");

        var (_, md, err) = Support.RunIn(repo, $"git:HEAD:{Spec}", Spec, "--format", "markdown", "--no-cache");

        Assert.True(md.Contains("OLD was generated with its own revision's nswag.json", StringComparison.Ordinal), md);
        Assert.Equal("", err);
        Assert.Matches(@"\n-\s*public int\? Digits \{ get; set; \}", md);
        Assert.Matches(@"\n\+\s*public int Digits \{ get; \}", md);
    }

    private static string Probe(string member) => $"namespace TeamUp.Generated;\npublic static class ReviewProbe {{ {member} }}\n";

    private static string MoneyDecimalAsString() =>
        SpecFixture.Edited(root => SpecFixture.Schema(root, "Money")["properties"]!["decimal"]!["type"] = "string");

    [Fact]
    public void A_spec_change_that_breaks_hand_written_code_is_shown_with_the_compiler_errors()
    {
        var repo = CopyOfProject();
        File.WriteAllText(Path.Combine(repo, "src", "TeamUp.Generated", "ReviewProbe.cs"), Probe("public static decimal Twice(Money m) => m.Decimal * 2;"));
        Commit(repo, "probe");
        File.WriteAllText(Path.Combine(repo, Spec), MoneyDecimalAsString());

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
        File.Copy(SpecFixture.Path, Path.Combine(repo, Spec));
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
