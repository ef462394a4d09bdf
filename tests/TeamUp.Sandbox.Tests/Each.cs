namespace TeamUp.Sandbox.Tests;

/// <summary>Assertions over every item of a collection that must not be empty: an empty one would pass while checking nothing.</summary>
internal static class Each
{
    public static void Of<T>(IEnumerable<T> items, Action<T> check)
    {
        var list = items.ToList();
        Assert.NotEmpty(list);
        Assert.All(list, check);
    }
}
