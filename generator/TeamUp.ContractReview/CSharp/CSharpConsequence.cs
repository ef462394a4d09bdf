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
            // Same spec, same inputs: one package, nothing to compare.
            if (ApiCache.Key(oldLayout, oldSpecText, PackageCompiler.HandWrittenSources(oldLayout))
                == ApiCache.Key(newLayout, newSpecText, PackageCompiler.HandWrittenSources(newLayout)))
            {
                var only = Build(oldLayout, oldSpecText, Path.Combine(work, "old"), useCache);
                return ApiDiffer.Diff(only.Api, only.Api) with { Timings = $"OLD and NEW are the same package: {only.Timings}" };
            }
            // Only OLD is read from the cache: NEW is what is under review, so it is always built.
            var sides = new[] { ("old", oldLayout, oldSpecText, useCache), ("new", newLayout, newSpecText, false) }
                .Select(side => Task.Run(() => Build(side.Item2, side.Item3, Path.Combine(work, side.Item1), side.Item4)))
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
            var timings = $"old: {oldSide.Timings}; new: {newSide.Timings}";
            // Same public API as OLD, which builds (it is main): NEW's hand-written bodies
            // see the same types and members, so only a changed API needs them checked.
            if (oldSide.Api != newSide.Api)
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    newSide.Package!.ThrowIfHandWrittenBodiesFail();
                }
                catch (PackageDoesNotCompileException e)
                {
                    return ApiDiff.DoesNotBuild(e.Errors) with { Timings = timings };
                }
                timings += $", hand-written bodies {clock.Elapsed.TotalSeconds:0.0} s";
            }
            return ApiDiffer.Diff(oldSide.Api, newSide.Api) with { Timings = timings };
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

    private static (string Api, string Timings, CompiledPackage? Package) Build(ProjectLayout layout, string specText, string dir, bool readCache)
    {
        var handWritten = PackageCompiler.HandWrittenSources(layout);
        var key = ApiCache.Key(layout, specText, handWritten);
        if (readCache && ApiCache.Get(key) is { } cached) return (cached, "cached", null);
        Directory.CreateDirectory(dir);
        var clock = Stopwatch.StartNew();
        var code = NSwagTool.GenerateAsync(layout, specText, dir).GetAwaiter().GetResult();
        var generated = clock.Elapsed;
        var dll = Path.Combine(dir, "TeamUp.Generated.dll");
        var package = PackageCompiler.Compile(code, handWritten, layout.LibraryDirectory, dll);
        var compiled = clock.Elapsed;
        var api = PublicApi.Of(dll);
        // Today's NEW is tomorrow's main: cache it for the reviews that will use it as OLD.
        ApiCache.Put(key, api);
        return (api, $"NSwag {generated.TotalSeconds:0.0} s, compile {(compiled - generated).TotalSeconds:0.0} s, API {(clock.Elapsed - compiled).TotalSeconds:0.0} s", package);
    }
}
