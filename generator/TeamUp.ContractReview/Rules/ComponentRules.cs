using Microsoft.OpenApi;

namespace TeamUp.ContractReview.Rules;

/// <summary>
/// Component schemas that disappear. Their wire effect is reported where they are used;
/// this catches the ones that matter only to generated code (NSwag emits a class per component).
/// </summary>
internal static class ComponentRules
{
    public static void Compare(OpenApiDocument oldDoc, OpenApiDocument newDoc, ChangeLog log)
    {
        var oldSchemas = oldDoc.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>();
        var newSchemas = newDoc.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>();
        foreach (var name in oldSchemas.Keys.Except(newSchemas.Keys))
            log.Add("api-schema-removed", "", $"components.schemas.{name}", $"schema '{name}' removed");
    }
}
