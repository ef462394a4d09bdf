using PublicApiGenerator;
using TeamUp.Generated.Tests.Infrastructure;

namespace TeamUp.Generated.Tests;

/// <summary>
/// Regeneration is reviewed through these two snapshots: what NSwag wrote from the spec, and what a consumer
/// of the package can call. A spec or template change shows up here as a diff to accept deliberately.
/// </summary>
public class GeneratedOutputSnapshotTests
{
    [Fact]
    public void Generated_source_matches_snapshot()
    {
        var source = File.ReadAllText(Repo.PathOf("src", "TeamUp.Generated", "Generated", "TeamUpClients.g.cs"));
        Snapshot.Verify(source, "TeamUpClients.g", "cs.txt");
    }

    [Fact]
    public void Public_api_matches_snapshot()
    {
        var api = typeof(InvoicesClient).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            ExcludeAttributes =
            [
                "System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute",
                "System.Runtime.CompilerServices.InternalsVisibleToAttribute",
                // Names compiler-generated state machines (d__20): not API, and unstable.
                "System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute", "System.Runtime.CompilerServices.AsyncStateMachineAttribute",
            ],
        });
        Snapshot.Verify(api, "TeamUp.Generated.PublicApi", "cs.txt");
    }
}
