using Microsoft.OpenApi;
using TeamUp.ContractReview.Rules;

namespace TeamUp.ContractReview.Review;

/// <summary>Compares two OpenAPI documents and returns every change with its level for this client.</summary>
public static class SpecReviewer
{
    public static IReadOnlyList<Change> Compare(OpenApiDocument oldDoc, OpenApiDocument newDoc)
    {
        var log = new ChangeLog();
        foreach (var (label, oldOp, newOp, oldPath, newPath) in PathRules.Compare(oldDoc, newDoc, log))
        {
            ParameterRules.Compare(label, oldOp, newOp, oldPath, newPath, log);
            RequestBodyRules.Compare(label, oldOp.RequestBody, newOp.RequestBody, log);
            ResponseRules.Compare(label, oldOp.Responses, newOp.Responses, log);
            SecurityRules.CompareOperation(label, oldOp, newOp, log);
        }
        SecurityRules.CompareGlobal(oldDoc, newDoc, log);
        ComponentRules.Compare(oldDoc, newDoc, log);
        return log.Changes
            .Select(ClientProfile.Apply)
            .OrderByDescending(c => c.Level)
            .ThenBy(c => c.Operation, StringComparer.Ordinal)
            .ThenBy(c => c.Id, StringComparer.Ordinal)
            .ToList();
    }
}
