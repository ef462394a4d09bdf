namespace TeamUp.Generated.Tests.Infrastructure;

/// <summary>Finds files of the repository the tests were built from.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TeamUp.Generated.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Cannot find TeamUp.Generated.sln above " + AppContext.BaseDirectory);
    }
}
