using Microsoft.OpenApi;
using TeamUp.ContractReview.Rules;

namespace TeamUp.ContractReview.Review;

/// <summary>Compares two OpenAPI documents and returns every change with its level for this client.</summary>
public static class SpecReviewer
{
    public static IReadOnlyList<Change> Compare(OpenApiDocument oldDoc, OpenApiDocument newDoc)
    {
        var log = new ChangeLog();
        foreach (var match in PathRules.Compare(oldDoc, newDoc, log))
        {
            ParameterRules.Compare(match, log);
            RequestBodyRules.Compare(match.Label, match.Old.RequestBody, match.New.RequestBody, log);
            ResponseRules.Compare(match.Label, match.Old.Responses, match.New.Responses, log);
            SecurityRules.CompareOperation(match.Label, match.Old, match.New, log);
        }
        SecurityRules.CompareGlobal(oldDoc, newDoc, log);
        ComponentRules.Compare(oldDoc, newDoc, log);
        CompareWebhooks(oldDoc, newDoc, log);
        return log.Changes
            .Select(ClientProfile.Apply)
            .OrderByDescending(c => c.Level)
            .ThenBy(c => c.Operation, StringComparer.Ordinal)
            .ThenBy(c => c.Id, StringComparer.Ordinal)
            .ToList();
    }

    private static void CompareWebhooks(OpenApiDocument oldDoc, OpenApiDocument newDoc, ChangeLog log)
    {
        var (oldHooks, newHooks) = (oldDoc.Webhooks ?? new Dictionary<string, IOpenApiPathItem>(), newDoc.Webhooks ?? new Dictionary<string, IOpenApiPathItem>());
        foreach (var name in newHooks.Keys.Except(oldHooks.Keys).Order(StringComparer.Ordinal))
            log.Add("webhook-added", "", $"webhooks/{name}", $"webhook '{name}' added");
        foreach (var name in oldHooks.Keys.Except(newHooks.Keys).Order(StringComparer.Ordinal))
            log.Add("webhook-removed", "", $"webhooks/{name}", $"webhook '{name}' removed");
    }
}
