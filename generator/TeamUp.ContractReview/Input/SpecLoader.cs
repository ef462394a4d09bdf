using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace TeamUp.ContractReview.Input;

/// <summary>An OpenAPI document ready for review, with the text it came from.</summary>
public sealed record Spec(string Source, string Text, OpenApiDocument Document)
{
    /// <summary>Rules of the OpenAPI specification the document breaks but that did not stop it being read ("file:line: ...").</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

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

        // The top-level sections must have their shape: a document whose paths are not a mapping cannot be reviewed at all
        // (it would read as "every endpoint removed").
        foreach (var section in new[] { "paths", "components", "webhooks" })
        {
            if (root[section] is { } node && node is not JsonObject)
                throw new SpecReadException(source, $"'{section}' must be a mapping", lines.GetValueOrDefault("/" + section, 1));
        }

        var settings = new OpenApiReaderSettings();
        var result = OpenApiDocument.Parse(root.ToJsonString(), "json", settings);
        var errors = result.Diagnostic?.Errors ?? [];
        if (result.Document is null || result.Document.Paths is null)
        {
            var error = errors.FirstOrDefault();
            var pointer = error?.Pointer?.TrimStart('#') ?? "";
            throw new SpecReadException(source, $"invalid OpenAPI document: {error?.Message ?? "could not be read"}{(pointer.Length > 0 ? $" (at {pointer})" : "")}",
                LineOf(lines, pointer));
        }
        // Like oasdiff, a document that breaks a rule of the specification but can be read (a response without a
        // description, an operation without responses, an undeclared path parameter) is reviewed as it is, and the
        // broken rules are listed as notes. Only what cannot be read at all is refused (above, and the YAML/JSON errors).
        var notes = errors.Select(e =>
        {
            var pointer = e.Pointer?.TrimStart('#') ?? "";
            var line = LineOf(lines, pointer);
            return $"{source}{(line is { } l ? $":{l}" : "")}: {e.Message}{(pointer.Length > 0 ? $" (at {pointer})" : "")}";
        }).Distinct().ToList();
        notes.AddRange(UndeclaredPathParameters(result.Document).Select(n => $"{source}: {n}"));
        return new Spec(source, text, result.Document) { Notes = notes };
    }

    /// <summary>Path templates whose {name} no operation declares as an <c>in: path</c> parameter.</summary>
    private static IEnumerable<string> UndeclaredPathParameters(OpenApiDocument document)
    {
        foreach (var (template, item) in document.Paths)
        {
            var names = System.Text.RegularExpressions.Regex.Matches(template, @"\{([^}/]+)\}").Select(m => m.Groups[1].Value).ToList();
            if (names.Count == 0 || item.Operations is null) continue;
            foreach (var (method, operation) in item.Operations)
            {
                var declared = (operation.Parameters ?? []).Concat(item.Parameters ?? [])
                    .Where(p => p.In == ParameterLocation.Path).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
                foreach (var name in names.Where(n => !declared.Contains(n)))
                    yield return $"{method.Method.ToUpperInvariant()} {template}: the path parameter '{name}' is not declared";
            }
        }
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

    /// <summary>Whether <paramref name="revision"/> can be handed to git as one (an option-looking argument never is).</summary>
    public static bool IsRevision(string revision) =>
        revision.Length > 0 && !revision.StartsWith('-') && !revision.Any(char.IsControl);

    private static string ReadFromGit(string argument, string cwd)
    {
        if (!TryParseGit(argument, out var rev, out var path))
            throw new SpecReadException(argument, "expected git:REV:path, e.g. git:main:spec/teamup.openapi.yaml");
        if (!IsRevision(rev))
            throw new SpecReadException(argument, $"'{rev}' is not a revision (a revision never starts with '-' and has no control characters)");
        // --end-of-options: whatever the argument holds, git reads it as a revision, never as an option.
        var psi = new ProcessStartInfo("git", ["show", "--end-of-options", $"{rev}:{path}"])
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
