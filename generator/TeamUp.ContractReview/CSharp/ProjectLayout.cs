namespace TeamUp.ContractReview.CSharp;

/// <summary>Where the pieces of the project that produce the generated package live.</summary>
public sealed record ProjectLayout(string Root)
{
    public string NSwagJson => Path.Combine(Root, "nswag.json");
    public string LibraryDirectory => Path.Combine(Root, "src", "TeamUp.Generated");
    public const string SpecFileName = "teamup.openapi.yaml";

    public static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "nswag.json"))) return dir.FullName;
        return null;
    }

    /// <summary>Throws, naming the first missing piece, unless nswag.json and the library are both there.</summary>
    public void EnsureComplete()
    {
        if (!File.Exists(NSwagJson)) throw new CSharpUnavailableException($"{NSwagJson} not found");
        if (!Directory.Exists(LibraryDirectory)) throw new CSharpUnavailableException($"{LibraryDirectory} not found");
    }

    /// <summary>The generated package only says something about the project's own spec (or an edit of it).</summary>
    public bool IsOwnSpec(params string[] arguments) =>
        arguments.All(a => Path.GetFileName(a.Split(':')[^1]) == SpecFileName);
}
