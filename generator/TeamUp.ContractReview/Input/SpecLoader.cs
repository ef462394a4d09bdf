using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace TeamUp.ContractReview.Input;

/// <summary>An OpenAPI document ready for review, with the text it came from.</summary>
public sealed record Spec(string Source, string Text, OpenApiDocument Document);

/// <summary>Reads OLD/NEW arguments: a file path (YAML or JSON) or <c>git:REV:path</c>.</summary>
public static class SpecLoader
{
    public static Spec Load(string argument, string? workingDirectory = null)
    {
        var cwd = workingDirectory ?? Environment.CurrentDirectory;
        var text = argument.StartsWith("git:", StringComparison.Ordinal)
            ? ReadFromGit(argument, cwd)
            : ReadFile(argument, cwd);
        return Parse(text, argument);
    }

    public static Spec Parse(string text, string source)
    {
        var (json, lines) = LooksLikeJson(text) ? ParseJson(text, source) : YamlToJson.Convert(text, source);
        if (json is not JsonObject root)
            throw new SpecReadException(source, "not an OpenAPI document (the top level is not a mapping)", 1);
        var version = root["openapi"]?.GetValue<object>()?.ToString();
        if (version is null || !(version.StartsWith("3.0", StringComparison.Ordinal) || version.StartsWith("3.1", StringComparison.Ordinal)))
            throw new SpecReadException(source, version is null
                ? "not an OpenAPI 3 document: the 'openapi' field is missing"
                : $"OpenAPI {version} is not supported (3.0 and 3.1 are)", lines.GetValueOrDefault("/openapi", 1));

        var settings = new OpenApiReaderSettings();
        var result = OpenApiDocument.Parse(root.ToJsonString(), "json", settings);
        var error = result.Diagnostic?.Errors.FirstOrDefault();
        if (result.Document is null || error is not null)
        {
            var pointer = error?.Pointer?.TrimStart('#') ?? "";
            throw new SpecReadException(source, $"invalid OpenAPI document: {error?.Message ?? "could not be read"}{(pointer.Length > 0 ? $" (at {pointer})" : "")}",
                LineOf(lines, pointer));
        }
        return new Spec(source, text, result.Document);
    }

    // Errors point at a JSON pointer; the nearest recorded ancestor gives a line.
    private static int? LineOf(Dictionary<string, int> lines, string pointer)
    {
        for (var p = pointer; ; p = p[..p.LastIndexOf('/')])
        {
            if (lines.TryGetValue(p, out var line)) return line;
            if (p.Length == 0) return null;
        }
    }

    private static bool LooksLikeJson(string text) => text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n').StartsWith('{');

    private static (JsonNode?, Dictionary<string, int>) ParseJson(string text, string source)
    {
        try
        {
            // JSON is valid YAML, and going through YAML keeps pointer→line for later messages.
            JsonDocument.Parse(text).Dispose();
            return YamlToJson.Convert(text, source);
        }
        catch (JsonException e)
        {
            throw new SpecReadException(source, e.Message.Split(" Path:")[0].Split(" LineNumber:")[0],
                (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1);
        }
    }

    private static string ReadFile(string path, string cwd)
    {
        var full = Path.GetFullPath(path, cwd);
        if (!File.Exists(full))
            throw new SpecReadException(path, "file not found");
        return File.ReadAllText(full);
    }

    /// <summary>Splits git:REV:path; REV may itself hold ':' only in exotic forms, so the split is at the last ':'.</summary>
    public static bool TryParseGit(string argument, out string revision, out string path)
    {
        (revision, path) = ("", "");
        if (!argument.StartsWith("git:", StringComparison.Ordinal)) return false;
        var spec = argument["git:".Length..];
        var colon = spec.LastIndexOf(':');
        if (colon <= 0 || colon == spec.Length - 1) return false;
        (revision, path) = (spec[..colon], spec[(colon + 1)..]);
        return true;
    }

    private static string ReadFromGit(string argument, string cwd)
    {
        if (!TryParseGit(argument, out var rev, out var path))
            throw new SpecReadException(argument, "expected git:REV:path, e.g. git:main:spec/teamup.openapi.yaml");
        var psi = new ProcessStartInfo("git", ["show", $"{rev}:{path}"])
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var git = Process.Start(psi)!;
            var stdout = git.StandardOutput.ReadToEndAsync();
            var stderr = git.StandardError.ReadToEnd();
            git.WaitForExit();
            if (git.ExitCode != 0)
                throw new SpecReadException(argument, $"git show {rev}:{path} failed: {stderr.Trim()}");
            return stdout.Result;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SpecReadException(argument, $"cannot run git: {e.Message}");
        }
    }
}
