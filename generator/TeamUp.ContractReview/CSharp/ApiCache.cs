using System.Security.Cryptography;
using System.Text;

namespace TeamUp.ContractReview.CSharp;

/// <summary>
/// Public API listings by everything that produced them (spec, nswag.json, templates,
/// hand-written sources, this tool's build). Reviewing many branches against the same main
/// then generates and compiles main once.
/// </summary>
internal static class ApiCache
{
    private static string Directory => Path.Combine(Path.GetTempPath(), "teamup-contract-review", "api-cache");

    public static string Key(ProjectLayout layout, string specText, IReadOnlyList<string> handWritten)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\0"));
        Add(typeof(ApiCache).Assembly.ManifestModule.ModuleVersionId.ToString());
        Add(specText);
        Add(File.ReadAllText(layout.NSwagJson));
        var templates = Path.Combine(layout.Root, "generator", "templates");
        var inputs = handWritten.Concat(System.IO.Directory.Exists(templates)
            ? System.IO.Directory.EnumerateFiles(templates, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : []);
        foreach (var file in inputs)
        {
            Add(Path.GetRelativePath(layout.Root, file));
            Add(File.ReadAllText(file));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public static string? Get(string key)
    {
        var file = Path.Combine(Directory, key + ".txt");
        return File.Exists(file) ? File.ReadAllText(file) : null;
    }

    public static void Put(string key, string api)
    {
        System.IO.Directory.CreateDirectory(Directory);
        // Write then move, so a concurrent reader never sees half a listing.
        var temporary = Path.Combine(Directory, $"{key}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temporary, api);
        File.Move(temporary, Path.Combine(Directory, key + ".txt"), overwrite: true);
    }
}
