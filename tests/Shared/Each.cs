// Linked into every test project (see each csproj); the global using makes `Each.Of` read the same everywhere.
global using TeamUp.Tests;

namespace TeamUp.Tests;

/// <summary>
/// Assertions over every item of a collection that must not be empty. xUnit's <c>Assert.All</c> passes on an empty
/// collection while checking nothing, so a bug that yields no items at all would go unnoticed.
/// </summary>
internal static class Each
{
    public static void Of<T>(IEnumerable<T> items, Action<T> check)
    {
        var list = items.ToList();
        Assert.NotEmpty(list);
        Assert.All(list, check);
    }
}
