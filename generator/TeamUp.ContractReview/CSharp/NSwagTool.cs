using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TeamUp.ContractReview.CSharp;

/// <summary>
/// Runs the NSwag command-line tool that NSwag.MSBuild ships (the in-process NSwag
/// libraries fail on this package mirror, NSWAG-NOTES §6) on a copy of the project's
/// nswag.json and templates, so OLD and NEW are generated exactly as the build would.
/// </summary>
internal static class NSwagTool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Where dotnet-nswag.dll is: baked in at build time from NSwag.MSBuild's props; TEAMUP_NSWAG_DIR overrides.</summary>
    public static string? ToolDirectory =>
        Environment.GetEnvironmentVariable("TEAMUP_NSWAG_DIR") is { Length: > 0 } overridden ? overridden
        : typeof(NSwagTool).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "NSwagDir")?.Value;

    public static async Task<string> GenerateAsync(ProjectLayout layout, string specText, string workDirectory)
    {
        var dll = ToolDirectory is { } dir ? Path.Combine(dir, "dotnet-nswag.dll") : null;
        if (dll is null || !File.Exists(dll))
            throw new CSharpUnavailableException($"the NSwag tool was not found ({dll ?? "NSwag.MSBuild's NSwagDir_Net100 is not set"})");
        if (!File.Exists(layout.NSwagJson))
            throw new CSharpUnavailableException($"{layout.NSwagJson} not found");

        var config = ReadConfig(layout.NSwagJson);
        var mirror = Mirror(layout, config, specText, workDirectory);
        var outFile = Path.Combine(workDirectory, "TeamUpClients.g.cs");
        var variables = $"Namespace=TeamUp.Generated,OutFile={outFile},SpecFile={mirror.Spec}";
        var psi = new ProcessStartInfo("dotnet", [dll, "run", mirror.Config, $"/variables:{variables}"])
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi) ?? throw new CSharpUnavailableException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new CSharpUnavailableException($"NSwag did not finish within {Timeout.TotalSeconds} s");
        }
        var output = mirror.LiteralOutput ?? outFile;
        if (process.ExitCode != 0 || !File.Exists(output))
            throw new CSharpUnavailableException($"NSwag failed (exit {process.ExitCode}): {Tail(await stderr + await stdout)}");
        return await File.ReadAllTextAsync(output);
    }

    private static JsonObject ReadConfig(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new CSharpUnavailableException($"{path} is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new CSharpUnavailableException($"{path} cannot be read: {e.Message}");
        }
    }

    // nswag.json resolves relative paths against its own folder, so a copy next to copies of
    // what it points at (templates, spec) behaves like the original whether or not it takes
    // the spec through $(SpecFile).
    private static (string Config, string Spec, string? LiteralOutput) Mirror(ProjectLayout layout, JsonObject config, string specText, string workDirectory)
    {
        var root = Path.Combine(workDirectory, "mirror");
        Directory.CreateDirectory(root);
        var url = config["documentGenerator"]?["fromDocument"]?["url"]?.GetValue<string>() ?? "$(SpecFile)";
        var specRelative = url.Contains("$(", StringComparison.Ordinal) ? Path.Combine("spec", ProjectLayout.SpecFileName) : url;
        var spec = Path.Combine(root, specRelative);
        Directory.CreateDirectory(Path.GetDirectoryName(spec)!);
        File.WriteAllText(spec, specText);

        var generator = config["codeGenerators"]?["openApiToCSharpClient"];
        if (generator?["templateDirectory"]?.GetValue<string>() is { Length: > 0 } templates && !Path.IsPathRooted(templates))
            CopyDirectory(Path.Combine(layout.Root, templates), Path.Combine(root, templates));
        string? literalOutput = null;
        if (generator?["output"]?.GetValue<string>() is { } output && !output.Contains("$(", StringComparison.Ordinal))
            literalOutput = Path.Combine(root, output);

        var configPath = Path.Combine(root, "nswag.json");
        File.Copy(layout.NSwagJson, configPath);
        return (configPath, Path.GetFullPath(spec), literalOutput);
    }

    private static void CopyDirectory(string from, string to)
    {
        if (!Directory.Exists(from)) return; // NSwag itself reports a missing template folder clearly
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    private static string Tail(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.Where(l => l.Contains("rror", StringComparison.Ordinal) || l.Contains("xception", StringComparison.Ordinal)).Take(3)
            .DefaultIfEmpty(lines.LastOrDefault() ?? "no output"));
    }
}
