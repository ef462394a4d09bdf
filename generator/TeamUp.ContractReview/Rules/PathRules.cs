using System.Text.RegularExpressions;
using Microsoft.OpenApi;

namespace TeamUp.ContractReview.Rules;

/// <summary>Paths and operations: removal (with or without deprecation first), addition, deprecation, operationId, tags.</summary>
internal static partial class PathRules
{
    public sealed record MatchedOperation(string Label, OpenApiOperation Old, OpenApiOperation New,
        string OldPathName, IOpenApiPathItem OldPath, string NewPathName, IOpenApiPathItem NewPath);

    public static IEnumerable<MatchedOperation>
        Compare(OpenApiDocument oldDoc, OpenApiDocument newDoc, ChangeLog log)
    {
        // /invoices/{id} and /invoices/{invoice_id} are the same URL to a caller.
        var oldPaths = Index(oldDoc);
        var newPaths = Index(newDoc);

        foreach (var (key, (oldName, oldItem)) in oldPaths)
        {
            var oldOps = Operations(oldItem);
            if (!newPaths.TryGetValue(key, out var newEntry))
            {
                var deprecated = oldOps.Count > 0 && oldOps.All(op => op.Value.Deprecated);
                log.Add(deprecated ? "api-path-removed-with-deprecation" : "api-path-removed-without-deprecation", oldName, oldName,
                    $"path {oldName} removed{(deprecated ? " after deprecation" : "")}");
                continue;
            }
            var (newName, newItem) = newEntry;
            var newOps = Operations(newItem);
            foreach (var (method, oldOp) in oldOps)
            {
                var label = $"{method} {newName}";
                if (!newOps.TryGetValue(method, out var newOp))
                {
                    log.Add(oldOp.Deprecated ? "api-removed-with-deprecation" : "api-removed-without-deprecation", label, label,
                        $"operation {label} removed{(oldOp.Deprecated ? " after deprecation" : "")}");
                    continue;
                }
                CompareOperation(label, oldOp, newOp, log);
                yield return new MatchedOperation(label, oldOp, newOp, oldName, oldItem, newName, newItem);
            }
            foreach (var method in newOps.Keys.Except(oldOps.Keys))
                log.Add("endpoint-added", $"{method} {newName}", $"{method} {newName}", $"operation {method} {newName} added");
        }
        foreach (var (key, (newName, newItem)) in newPaths.Where(p => !oldPaths.ContainsKey(p.Key)))
            foreach (var method in Operations(newItem).Keys)
                log.Add("endpoint-added", $"{method} {newName}", $"{method} {newName}", $"operation {method} {newName} added");
    }

    private static void CompareOperation(string label, OpenApiOperation oldOp, OpenApiOperation newOp, ChangeLog log)
    {
        if (oldOp.Deprecated != newOp.Deprecated)
            log.Add(newOp.Deprecated ? "endpoint-deprecated" : "endpoint-reactivated", label, label,
                $"operation {label} {(newOp.Deprecated ? "deprecated" : "no longer deprecated")}");
        if (oldOp.OperationId != newOp.OperationId)
        {
            if (oldOp.OperationId is null)
                log.Add("api-operation-id-added", label, label, $"operationId '{newOp.OperationId}' added");
            else
                log.Add("api-operation-id-removed", label, label,
                    newOp.OperationId is null ? $"operationId '{oldOp.OperationId}' removed"
                    : $"operationId changed from '{oldOp.OperationId}' to '{newOp.OperationId}'");
        }
        var oldTags = oldOp.Tags?.Select(t => t.Name).ToHashSet() ?? [];
        var newTags = newOp.Tags?.Select(t => t.Name).ToHashSet() ?? [];
        foreach (var tag in oldTags.Except(newTags))
            log.Add("api-tag-removed", label, label, $"tag '{tag}' removed");
        foreach (var tag in newTags.Except(oldTags))
            log.Add("api-tag-added", label, label, $"tag '{tag}' added");
    }

    private static Dictionary<string, (string Name, IOpenApiPathItem Item)> Index(OpenApiDocument doc)
    {
        var index = new Dictionary<string, (string, IOpenApiPathItem)>();
        foreach (var (name, item) in doc.Paths ?? new OpenApiPaths())
            index.TryAdd(PathParameter().Replace(name, "{}"), (name, item));
        return index;
    }

    public static Dictionary<string, OpenApiOperation> Operations(IOpenApiPathItem item) =>
        (item.Operations ?? new Dictionary<HttpMethod, OpenApiOperation>())
            .ToDictionary(op => op.Key.Method.ToUpperInvariant(), op => op.Value);

    /// <summary>The position of each {parameter} in a path template: what a renamed path parameter keeps.</summary>
    public static Dictionary<string, int> PathParameterPositions(string pathName) =>
        PathParameter().Matches(pathName).Select((m, i) => (m.Value.Trim('{', '}'), i))
            .GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.First().i);

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex PathParameter();
}
