using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using TeamUp.Sandbox;

namespace TeamUp.Packaging.Tests;

/// <summary>
/// Users consume the packages, not the repo: pack them into a local feed, then use them the way a user would,
/// from a brand-new project outside the solution and as an installed dotnet tool.
/// </summary>
public sealed class PackagingTests(PackageFeedFixture fixture) : IClassFixture<PackageFeedFixture>
{
    // The consumer app starts its own sandbox (from the TeamUp.Sandbox package) with these options;
    // the test starts an identical one in-process to know the seeded answers.
    private const int ConsumerSeed = 7;

    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public void Library_package_carries_readme_docs_symbols_and_only_runtime_dependencies()
    {
        var nupkg = Path.Combine(fixture.Feed, $"TeamUp.Generated.{fixture.Version}.nupkg");
        using var zip = ZipFile.OpenRead(nupkg);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        var listing = string.Join('\n', entries);

        Assert.Contains("README.md", entries);
        Assert.Contains("lib/net10.0/TeamUp.Generated.dll", entries);
        Assert.Contains("lib/net10.0/TeamUp.Generated.xml", entries);
        // Nothing of the build: no spec, no NSwag config or templates, no sources.
        Assert.DoesNotContain(entries, e => e.Contains("nswag", StringComparison.OrdinalIgnoreCase)
            || e.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || e.EndsWith(".liquid", StringComparison.OrdinalIgnoreCase)
            || e.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) || e.EndsWith(".json", StringComparison.OrdinalIgnoreCase));

        using (var readme = new StreamReader(zip.GetEntry("README.md")!.Open()))
        {
            Assert.StartsWith("# TeamUp.Generated", readme.ReadToEnd());
        }
        using (var docs = zip.GetEntry("lib/net10.0/TeamUp.Generated.xml")!.Open())
        {
            var members = XDocument.Load(docs).Descendants("member").Select(m => (string?)m.Attribute("name")).ToList();
            Assert.Contains("T:TeamUp.Generated.Money", members);
            Assert.Contains("T:TeamUp.Generated.Expandable`1", members);
        }

        XNamespace ns = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";
        XDocument nuspec;
        using (var stream = zip.GetEntry("TeamUp.Generated.nuspec")!.Open()) nuspec = XDocument.Load(stream);
        var metadata = nuspec.Root!.Element(ns + "metadata")!;
        Assert.Equal("TeamUp.Generated", (string?)metadata.Element(ns + "id"));
        Assert.Equal(fixture.Version, (string?)metadata.Element(ns + "version"));
        Assert.Equal("MIT", (string?)metadata.Element(ns + "license"));
        Assert.Equal("expression", (string?)metadata.Element(ns + "license")!.Attribute("type"));
        Assert.Equal("README.md", (string?)metadata.Element(ns + "readme"));
        Assert.False(string.IsNullOrWhiteSpace((string?)metadata.Element(ns + "description")));
        Assert.False(string.IsNullOrWhiteSpace((string?)metadata.Element(ns + "authors")));
        Assert.Contains("teamup", ((string?)metadata.Element(ns + "tags"))!.Split(' '));
        Assert.StartsWith("https://github.com/", (string?)metadata.Element(ns + "repository")?.Attribute("url"));

        var dependencies = metadata.Descendants(ns + "dependency").Select(d => (string)d.Attribute("id")!).ToList();
        Assert.Contains("Newtonsoft.Json", dependencies);
        Assert.DoesNotContain(dependencies, d => d.StartsWith("NSwag", StringComparison.OrdinalIgnoreCase)
            || d.StartsWith("Microsoft.SourceLink", StringComparison.OrdinalIgnoreCase)
            || d.StartsWith("Microsoft.Build", StringComparison.OrdinalIgnoreCase));

        var snupkg = Path.ChangeExtension(nupkg, ".snupkg");
        Assert.True(File.Exists(snupkg), $"No symbol package next to {nupkg}:\n{listing}");
        using var symbols = ZipFile.OpenRead(snupkg);
        Assert.Contains(symbols.Entries, e => e.FullName == "lib/net10.0/TeamUp.Generated.pdb");
    }

    [Fact]
    public async Task A_new_console_app_restores_the_packages_from_the_feed_and_runs_against_the_sandbox()
    {
        var app = UserProject("consumer");
        foreach (var file in new[] { "Program.cs" })
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Consumer", file), Path.Combine(app.Directory, file));
        }
        File.WriteAllText(Path.Combine(app.Directory, "Consumer.csproj"),
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Consumer", "Consumer.csproj.template")).Replace("@VERSION@", fixture.Version));

        (await Run.DotnetAsync(["build", "Consumer.csproj", "-c", "Release", "-nologo"], app.Directory, StepTimeout, app.Environment))
            .EnsureSuccess("Building the consumer app against the packages");

        // The packages came from our feed into the app's own packages folder, not from the user's cache.
        foreach (var id in new[] { "teamup.generated", "teamup.sandbox" })
        {
            var metadata = Path.Combine(app.Packages, id, fixture.Version, ".nupkg.metadata");
            Assert.True(File.Exists(metadata), $"{id} {fixture.Version} was not restored into {app.Packages}.");
            using var json = JsonDocument.Parse(File.ReadAllText(metadata));
            Assert.Equal(Path.GetFullPath(fixture.Feed).TrimEnd(Path.DirectorySeparatorChar),
                Path.GetFullPath(json.RootElement.GetProperty("source").GetString()!).TrimEnd(Path.DirectorySeparatorChar));
        }

        var dll = Path.Combine(app.Directory, "bin", "Release", "net10.0", "Consumer.dll");
        var run = (await Run.DotnetAsync([dll, ConsumerSeed.ToString(CultureInfo.InvariantCulture)], app.Directory, StepTimeout, app.Environment))
            .EnsureSuccess("Running the consumer app");
        var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(": ", 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);

        // The same seeded data, built in-process, gives the expected answers.
        await using var sandbox = await TeamUpSandbox.StartAsync(ConsumerOptions());
        var provider = sandbox.Data.Providers[0];
        var invoices = sandbox.Data.InvoicesFor(provider.Id);
        var message = run.Describe();

        Assert.True(lines.ContainsKey("invoices") && lines.ContainsKey("invoice") && lines.ContainsKey("payer") && lines.ContainsKey("total_amount_due"), message);
        Assert.Equal(invoices.Count.ToString(CultureInfo.InvariantCulture), lines["invoices"]);
        var invoice = sandbox.Data.FindInvoice(int.Parse(lines["invoice"], CultureInfo.InvariantCulture));
        Assert.NotNull(invoice);
        var payer = sandbox.Data.Customer(invoice.CustomerId);
        Assert.Equal($"{payer.Id} expanded=True name={payer.Name}", lines["payer"]);
        var expectedTotal = invoices.Sum(i => i.TotalAmountDue);
        Assert.Equal($"{expectedTotal.ToString(CultureInfo.InvariantCulture)} {provider.Currency.IsoCode}", lines["total_amount_due"]);
    }

    [Fact]
    public async Task The_teamup_tool_installs_from_the_feed_and_lists_invoices_as_ndjson()
    {
        var pack = await fixture.PackCliAsync();
        Assert.True(pack.ExitCode == 0,
            "The teamup tool (src/TeamUp.Cli) could not be packed, so it cannot be installed from the feed. " + pack.Describe());

        var user = UserProject("tool");
        var toolPath = Path.Combine(user.Directory, "tools");
        (await Run.DotnetAsync(["tool", "install", "--tool-path", toolPath, "--add-source", fixture.Feed, "--version", fixture.Version, "TeamUp.Cli"],
                user.Directory, StepTimeout, user.Environment))
            .EnsureSuccess("Installing the teamup tool from the feed");

        await using var sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Customers = 20, Invoices = 60 });
        var teamup = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "teamup.exe" : "teamup");
        var run = (await Run.ProcessAsync(teamup,
                ["invoices", "list", "--max", "5", "--base-url", sandbox.BaseUrl.ToString(), "--token", sandbox.Token],
                user.Directory, StepTimeout, user.Environment))
            .EnsureSuccess("teamup invoices list --max 5");

        var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 5, $"Expected 5 NDJSON lines. {run.Describe()}");
        var known = sandbox.Data.InvoicesFor(sandbox.DefaultProviderId).Select(i => i.Id).ToHashSet();
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.Contains(json.RootElement.GetProperty("id").GetInt32(), known);
        }
    }

    private static TeamUpSandboxOptions ConsumerOptions() => new() { Seed = ConsumerSeed, Providers = 1, Customers = 20, Invoices = 60 };

    /// <summary>
    /// A folder outside the solution with its own nuget.config: the machine's sources plus our feed, and a packages
    /// folder of its own, so our version never lands in (or is shadowed by) the user's global NuGet cache.
    /// </summary>
    private UserDir UserProject(string name)
    {
        var directory = fixture.Scratch(name);
        var packages = Path.Combine(directory, "packages");
        File.WriteAllText(Path.Combine(directory, "nuget.config"),
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Consumer", "nuget.config.template"))
                .Replace("@PACKAGES@", packages).Replace("@FEED@", fixture.Feed));
        return new UserDir(directory, packages, new Dictionary<string, string?> { ["NUGET_PACKAGES"] = packages });
    }

    private sealed record UserDir(string Directory, string Packages, IReadOnlyDictionary<string, string?> Environment);
}
