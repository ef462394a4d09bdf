using TeamUp.ContractReview.CSharp;

namespace TeamUp.ContractReview.Tests;

/// <summary>A cached API listing is reused only while everything that produced it is unchanged.</summary>
public class ApiCacheTests
{
    [Fact]
    public void The_key_follows_the_spec_the_config_the_templates_and_the_sources()
    {
        var root = Support.TempDirectory();
        var layout = new ProjectLayout(root);
        Directory.CreateDirectory(Path.Combine(root, "generator", "templates"));
        Directory.CreateDirectory(layout.LibraryDirectory);
        File.WriteAllText(layout.NSwagJson, "{}");
        var template = Path.Combine(root, "generator", "templates", "Class.liquid");
        File.WriteAllText(template, "class");
        var source = Path.Combine(layout.LibraryDirectory, "Money.cs");
        File.WriteAllText(source, "partial class Money {}");
        string Key(string spec = "spec") => ApiCache.Key(layout, spec, [source]);

        var original = Key();
        Assert.Equal(original, Key());
        Assert.NotEqual(original, Key("other spec"));
        File.WriteAllText(source, "partial class Money { int X; }");
        Assert.NotEqual(original, Key());
        var withSource = Key();
        File.WriteAllText(template, "record");
        Assert.NotEqual(withSource, Key());
        var withTemplate = Key();
        File.WriteAllText(layout.NSwagJson, "{ \"x\": 1 }");
        Assert.NotEqual(withTemplate, Key());
    }
}
