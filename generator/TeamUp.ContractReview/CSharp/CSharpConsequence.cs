using System.Diagnostics;

namespace TeamUp.ContractReview.CSharp;

/// <summary>What a spec change does to the generated package's public API: generate, compile, compare.</summary>
public static class CSharpConsequence
{
    /// <param name="oldLayout">Where OLD's nswag.json, templates and hand-written sources are (a git snapshot for git:REV).</param>
    public static ApiDiff Compare(ProjectLayout oldLayout, ProjectLayout newLayout, string oldSpecText, string newSpecText, bool useCache = true)
    {
        oldLayout.EnsureComplete();
        newLayout.EnsureComplete();
        var work = Path.Combine(Path.GetTempPath(), "teamup-contract-review", Guid.NewGuid().ToString("N"));
        try
        {
            // The two NSwag runs are separate processes: run them side by side.
            var sides = new[] { ("old", oldLayout, oldSpecText), ("new", newLayout, newSpecText) }
                .Select(side => Task.Run(() => Build(side.Item2, side.Item3, Path.Combine(work, side.Item1), useCache)))
                .ToArray();
            try
            {
                Task.WaitAll(sides);
            }
            catch (AggregateException)
            {
                // Looked at side by side below: which side failed decides what the failure means.
            }
            if (sides[0].Exception?.InnerException is { } oldFailure)
                throw oldFailure as CSharpUnavailableException
                    ?? new CSharpUnavailableException($"OLD: {oldFailure.Message}", oldFailure);
            if (sides[1].Exception?.InnerException is PackageDoesNotCompileException broken)
                return ApiDiff.DoesNotBuild(broken.Errors) with { Timings = sides[0].Result.Timings };
            if (sides[1].Exception?.InnerException is { } newFailure)
                throw newFailure as CSharpUnavailableException ?? new CSharpUnavailableException($"NEW: {newFailure.Message}", newFailure);

            var (oldSide, newSide) = (sides[0].Result, sides[1].Result);
            return ApiDiffer.Diff(oldSide.Api, newSide.Api) with { Timings = $"old: {oldSide.Timings}; new: {newSide.Timings}" };
        }
        catch (IOException e)
        {
            throw new CSharpUnavailableException($"working files could not be written: {e.Message}", e);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static (string Api, string Timings) Build(ProjectLayout layout, string specText, string dir, bool useCache)
    {
        var handWritten = PackageCompiler.HandWrittenSources(layout);
        var key = ApiCache.Key(layout, specText, handWritten);
        if (useCache && ApiCache.Get(key) is { } cached) return (cached, "cached");
        Directory.CreateDirectory(dir);
        var clock = Stopwatch.StartNew();
        var code = NSwagTool.GenerateAsync(layout, specText, dir).GetAwaiter().GetResult();
        var generated = clock.Elapsed;
        var dll = Path.Combine(dir, "TeamUp.Generated.dll");
        PackageCompiler.Compile(code, handWritten, layout.LibraryDirectory, dll);
        var compiled = clock.Elapsed;
        var api = PublicApi.Of(dll);
        ApiCache.Put(key, api);
        return (api, $"NSwag {generated.TotalSeconds:0.0} s, compile {(compiled - generated).TotalSeconds:0.0} s, API {(clock.Elapsed - compiled).TotalSeconds:0.0} s");
    }
}
