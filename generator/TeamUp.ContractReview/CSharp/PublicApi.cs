using System.Runtime.Loader;
using PublicApiGenerator;

namespace TeamUp.ContractReview.CSharp;

/// <summary>The public API text of a compiled package, read in a load context that is thrown away afterwards.</summary>
internal static class PublicApi
{
    public static string Of(string assemblyPath)
    {
        // Collectible, so OLD and NEW (same assembly name) can be loaded side by side and released.
        var context = new AssemblyLoadContext($"contract-review:{assemblyPath}", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(assemblyPath);
            return assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false });
        }
        finally
        {
            context.Unload();
        }
    }
}
