using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace TeamUp.SpecChange.Tests;

/// <summary>
/// The README's "Changing the spec" steps, performed on a throwaway copy of the repository: edit the spec, build,
/// test (only snapshots fail), accept the snapshots, test again (green), review. One edit holds the five changes a
/// user typically makes, so the copy is built once:
/// (a) an optional response property added, (b) a response enum value added, (c) a filter added to the invoices report
/// (data and export), (d) an optional query parameter removed from Invoices_List, (e) a column added to the invoices report.
/// </summary>
public sealed class SpecChangeTests(ITestOutputHelper output)
{
    private const string Spec = "spec/teamup.openapi.yaml";
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public void A_spec_edit_flows_through_build_snapshots_tests_cli_and_review()
    {
        var repo = CopyRepository();
        try
        {
            Git(repo, "init", "-q");
            Git(repo, "add", "-A");
            Git(repo, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", "copy");

            // 1. Edit.
            var specPath = Path.Combine(repo, Spec);
            File.WriteAllText(specPath, Edit(File.ReadAllText(specPath)));
            // A caller's code using what the edit adds; it compiles only if the build generated it.
            File.WriteAllText(Path.Combine(repo, "tests", "TeamUp.Generated.Tests", "SpecChangeProbe.cs"), Probe);

            // 2. Build: the library with its tests, and the CLI (which must still build with store_order gone).
            foreach (var project in new[] { "tests/TeamUp.Generated.Tests", "src/TeamUp.Cli" })
            {
                var build = Dotnet(repo, "build", project, "-v:q", "-nologo", "-nodeReuse:false");
                Assert.True(build.Exit == 0, $"build of {project} failed:\n{build.Output}");
            }

            // 3. Test: only the snapshot tests fail, and their received files show the change.
            var first = Dotnet(repo, "test", "tests/TeamUp.Generated.Tests", "--no-build", "--logger", "console;verbosity=normal");
            Assert.NotEqual(0, first.Exit);
            var failed = Regex.Matches(first.Output, @"^\s*Failed (TeamUp\.[\w.]+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Distinct().ToList();
            Assert.True(failed.Count > 0, first.Output);
            Each.Of(failed, name => Assert.Matches(@"SnapshotTests\.|WireShapeTests\.", name));
            var received = File.ReadAllText(Path.Combine(repo, "tests/TeamUp.Generated.Tests/Snapshots/TeamUpClients.g.received.cs.txt"));
            foreach (var expected in new[] { "LoyaltyPoints", "InvoiceStatus Refunded", "LocationId", "InvoicesReportColumn LocationName" })
                Assert.Contains(expected, received);
            Assert.DoesNotContain("storeOrder", received); // the parameter of ListAsync

            // 4. Accept the snapshots, then the suite is green again without accepting.
            var accept = Dotnet(repo, ["test", "tests/TeamUp.Generated.Tests", "--no-build"], ("VERIFY_ACCEPT", "1"));
            Assert.True(accept.Exit == 0, accept.Output);
            var again = Dotnet(repo, "test", "tests/TeamUp.Generated.Tests", "--no-build");
            Assert.True(again.Exit == 0, again.Output);
            // Only the spec and snapshot files changed (and the probe, which is ours): nothing hand-written had to follow.
            var changed = Git(repo, "status", "--porcelain", "--untracked-files=all").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[3..]).ToList();
            Assert.Contains(Spec, changed);
            Assert.Contains(changed, f => f.EndsWith(".verified.cs.txt", StringComparison.Ordinal));
            Each.Of(changed, f => Assert.True(f == Spec || f == "tests/TeamUp.Generated.Tests/SpecChangeProbe.cs"
                || (f.StartsWith("tests/TeamUp.Generated.Tests/Snapshots/", StringComparison.Ordinal) && f.Contains(".verified.", StringComparison.Ordinal)), $"{f} changed"));

            // The CLI takes the new column and filter from the generated metadata (the sandbox does not know them, so a
            // request may fail, but never as a usage error), and lists the filter for data and export alike.
            var cli = Path.Combine(repo, "src/TeamUp.Cli/bin/Debug/net10.0/teamup.dll");
            var columns = Dotnet(repo, cli, "reports", "columns", "invoices");
            Assert.True(columns.Exit == 0, columns.Output);
            Assert.Contains("location_name", columns.Output);
            Assert.Contains("location_id: an integer", columns.Output);
            Assert.DoesNotContain("export filters differ", columns.Output);
            foreach (var args in new[]
                     {
                         new[] { "reports", "data", "invoices", "--columns", "id,location_name", "--max", "1" },
                         ["reports", "data", "invoices", "--columns", "id", "--filter", "location_id=3", "--max", "1"],
                         ["reports", "export", "invoices", "--columns", "id", "--filter", "location_id=3", "--output", Path.Combine(repo, "out.csv"), "--timeout", "60"],
                     })
            {
                var run = Dotnet(repo, [cli, .. args]);
                Assert.True(run.Exit != 2, $"{string.Join(' ', args)} was a usage error:\n{run.Output}");
                Assert.DoesNotContain("Unknown", run.Output);
            }

            // 5. Review: the removed parameter is breaking (exit 1) and named; nothing else the edit did is. The tool is
            // this repository's build of it (the same code as the copy's), run on the copy as the README says.
            var reviewTool = Path.Combine(RepoRoot(), "generator/TeamUp.ContractReview/bin", Configuration, "net10.0/TeamUp.ContractReview.dll");
            Assert.True(File.Exists(reviewTool), $"{reviewTool} not built");
            var review = Dotnet(repo, reviewTool, $"git:HEAD:{Spec}", Spec);
            Assert.True(review.Exit == 1, review.Output);
            var errors = review.Output.Split('\n').Where(l => l.StartsWith("ERR ", StringComparison.Ordinal)).ToList();
            var error = Assert.Single(errors);
            Assert.Contains("request-parameter-removed", error);
            Assert.Contains("store_order", error);
            Assert.Contains("StoreOrder", review.Output); // the C# diff shows the option gone
        }
        finally
        {
            try { Directory.Delete(repo, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The five edits, as a user would make them in the YAML.</summary>
    internal static string Edit(string spec)
    {
        // (a) an optional property on the invoice.
        spec = InsertAfter(spec, "\n    Invoice:\n", "\n      properties:\n",
            "        loyalty_points:\n          type: integer\n          description: Loyalty points the invoice earned.\n");
        // (b) a value of the invoice status (a response enum).
        spec = Replace(spec, "        - skipped\n    ReportInvoiceStatus:", "        - skipped\n        - refunded\n    ReportInvoiceStatus:");
        // (c) a filter on the invoices report: query parameter of the data operation and property of the export body.
        spec = InsertAfter(spec, "\n  /reports/invoices/data:\n", "        - $ref: '#/components/parameters/ConfirmedAtGte'\n",
            "        - name: location_id\n          in: query\n          required: false\n          description: Only invoices of this location.\n          schema:\n            type: integer\n");
        spec = InsertAfter(spec, "\n    InvoicesReportExportRequest:\n", "\n      properties:\n",
            "        location_id:\n          type: integer\n          description: Only invoices of this location.\n");
        // (d) an optional query parameter removed from Invoices_List.
        var start = spec.IndexOf("        - name: store_order\n", StringComparison.Ordinal);
        Assert.True(start > 0, "store_order not found in the spec");
        var end = spec.IndexOf("        - $ref:", start, StringComparison.Ordinal);
        spec = spec.Remove(start, end - start);
        // (e) a column of the invoices report (with its C# name, as the enum lists them).
        spec = Replace(spec, "        - legacy_mapping\n      x-enumNames:", "        - legacy_mapping\n        - location_name\n      x-enumNames:");
        spec = Replace(spec, "        - LegacyMapping\n    InvoicesGroupedReportColumn:", "        - LegacyMapping\n        - LocationName\n    InvoicesGroupedReportColumn:");
        return spec;
    }

    private const string Probe = """
        using TeamUp.Generated.Serialization;

        namespace TeamUp.Generated.Tests;

        public class SpecChangeProbe
        {
            [Fact]
            public void The_edited_spec_reaches_the_sdk()
            {
                // (a) readable and writable
                var invoice = TeamUpJson.Deserialize<Invoice>(Infrastructure.Payloads.MinimalInvoice.Replace("{\"id\":1234,", "{\"id\":1234,\"loyalty_points\":7,"))!;
                Assert.Equal(7, invoice.LoyaltyPoints);
                invoice.LoyaltyPoints = 8;
                Assert.Contains("\"loyalty_points\":8", TeamUpJson.Serialize(invoice));
                // (b) known now
                Assert.True(TeamUpJson.Deserialize<Invoice>(Infrastructure.Payloads.MinimalInvoice.Replace("\"paid\"", "\"refunded\""))!.Status.IsKnown);
                Assert.Equal(InvoiceStatus.Refunded, new InvoiceStatus("refunded"));
                // (c) the query type and the export request
                var query = new InvoicesReportQuery { LocationId = 3, Columns = [InvoicesReportColumn.LocationName] };
                var export = new InvoicesReportExportRequest { LocationId = 3 };
                Assert.Contains("\"location_id\":3", TeamUpJson.Serialize(export));
                Assert.Contains(ReportsClient.Definitions[0].QueryFilters, f => f.Key == "location_id");
                Assert.Equal(3, query.LocationId);
                // (d) gone from the list options
                Assert.DoesNotContain(typeof(InvoiceListOptions).GetProperties(), p => p.Name == "StoreOrder");
                // (e) a column the CLI accepts
                Assert.Contains("location_name", ReportsClient.Definitions[0].Columns);
            }
        }
        """;

    private static string InsertAfter(string text, string section, string anchor, string insertion)
    {
        var at = text.IndexOf(section, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{section.Trim()}' not found in the spec");
        var anchorAt = text.IndexOf(anchor, at + section.Length - 1, StringComparison.Ordinal);
        Assert.True(anchorAt >= 0, $"'{anchor.Trim()}' not found after '{section.Trim()}'");
        return text.Insert(anchorAt + anchor.Length, insertion);
    }

    private static string Replace(string text, string old, string replacement)
    {
        Assert.True(text.Contains(old, StringComparison.Ordinal), $"'{old}' not found in the spec");
        return text.Replace(old, replacement, StringComparison.Ordinal);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TeamUp.Generated.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("TeamUp.Generated.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The files git tracks (as they are in the working tree), without build output.</summary>
    private string CopyRepository()
    {
        var root = RepoRoot();
        var target = Path.Combine(Path.GetTempPath(), "teamup-spec-change-" + Guid.NewGuid().ToString("N"));
        var files = Git(root, "ls-files", "-z").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        foreach (var file in files)
        {
            var source = Path.Combine(root, file);
            if (!File.Exists(source)) continue; // deleted in the working tree
            var destination = Path.Combine(target, file);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(source, destination);
        }
        output.WriteLine($"copied {files.Length} files to {target}");
        return target;
    }

    private string Git(string cwd, params string[] args)
    {
        var result = Run("git", cwd, args, []);
        Assert.True(result.Exit == 0, $"git {string.Join(' ', args)}: {result.Output}");
        return result.Output;
    }

    private (int Exit, string Output) Dotnet(string cwd, params string[] args) => Dotnet(cwd, args, []);

    private (int Exit, string Output) Dotnet(string cwd, string[] args, params (string Key, string Value)[] environment)
    {
        var clock = Stopwatch.StartNew();
        var result = Run("dotnet", cwd, args, environment);
        output.WriteLine($"dotnet {string.Join(' ', args.Take(3))}: exit {result.Exit} in {clock.Elapsed.TotalSeconds:0.0} s");
        return result;
    }

    private static (int Exit, string Output) Run(string file, string cwd, string[] args, (string Key, string Value)[] environment)
    {
        var psi = new ProcessStartInfo(file, args) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        // The outer test run's settings must not leak into the nested builds and test runs.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
                     || k == "VERIFY_ACCEPT").ToList())
        {
            psi.Environment.Remove(key);
        }
        foreach (var (key, value) in environment) psi.Environment[key] = value;
        using var process = Process.Start(psi)!;
        var text = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(StepTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {StepTimeout.TotalMinutes} min");
        }
        text.Append(stdout.Result).Append(stderr.Result);
        return (process.ExitCode, text.ToString());
    }
}
