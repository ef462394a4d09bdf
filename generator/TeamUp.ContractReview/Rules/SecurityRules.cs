using Microsoft.OpenApi;

namespace TeamUp.ContractReview.Rules;

/// <summary>
/// Security requirements (global and per operation) and security schemes. A requirement is
/// known by the schemes it combines; its scopes are compared separately.
/// </summary>
internal static class SecurityRules
{
    public static void CompareGlobal(OpenApiDocument oldDoc, OpenApiDocument newDoc, ChangeLog log)
    {
        Requirements(oldDoc.Security, newDoc.Security, "", "api-global-security", log);

        var oldSchemes = oldDoc.Components?.SecuritySchemes ?? new Dictionary<string, IOpenApiSecurityScheme>();
        var newSchemes = newDoc.Components?.SecuritySchemes ?? new Dictionary<string, IOpenApiSecurityScheme>();
        foreach (var name in oldSchemes.Keys.Except(newSchemes.Keys))
            log.Add("api-security-component-removed", "", $"components.securitySchemes.{name}", $"security scheme '{name}' removed");
        foreach (var name in newSchemes.Keys.Except(oldSchemes.Keys))
            log.Add("api-security-component-added", "", $"components.securitySchemes.{name}", $"security scheme '{name}' added");
        foreach (var name in oldSchemes.Keys.Intersect(newSchemes.Keys))
        {
            var (o, n) = (oldSchemes[name], newSchemes[name]);
            if (o.Type != n.Type || o.Scheme != n.Scheme || o.In != n.In || o.Name != n.Name)
                log.Add("api-security-component-type-changed", "", $"components.securitySchemes.{name}",
                    $"security scheme '{name}' changed from {Describe(o)} to {Describe(n)}");
        }
    }

    public static void CompareOperation(string label, OpenApiOperation oldOp, OpenApiOperation newOp, ChangeLog log) =>
        Requirements(oldOp.Security, newOp.Security, label, "api-security", log);

    private static void Requirements(IList<OpenApiSecurityRequirement>? oldReqs, IList<OpenApiSecurityRequirement>? newReqs,
        string label, string prefix, ChangeLog log)
    {
        var oldByKey = Index(oldReqs);
        var newByKey = Index(newReqs);
        var where = label.Length == 0 ? "security" : $"{label} security";
        foreach (var key in oldByKey.Keys.Except(newByKey.Keys))
            log.Add($"{prefix}-removed", label, where, $"security requirement [{key}] removed");
        foreach (var key in newByKey.Keys.Except(oldByKey.Keys))
            log.Add($"{prefix}-added", label, where, $"security requirement [{key}] added");
        foreach (var key in oldByKey.Keys.Intersect(newByKey.Keys))
            foreach (var (scheme, oldScopes) in oldByKey[key])
            {
                var newScopes = newByKey[key][scheme];
                foreach (var scope in oldScopes.Except(newScopes))
                    log.Add($"{prefix}-scope-removed", label, where, $"scope '{scope}' of '{scheme}' removed");
                foreach (var scope in newScopes.Except(oldScopes))
                    log.Add($"{prefix}-scope-added", label, where, $"scope '{scope}' of '{scheme}' added");
            }
    }

    private static Dictionary<string, Dictionary<string, List<string>>> Index(IList<OpenApiSecurityRequirement>? requirements)
    {
        var index = new Dictionary<string, Dictionary<string, List<string>>>();
        foreach (var requirement in requirements ?? [])
        {
            var schemes = requirement.ToDictionary(r => r.Key.Reference.Id ?? "?", r => r.Value);
            index.TryAdd(schemes.Count == 0 ? "anonymous" : string.Join(" + ", schemes.Keys.Order()), schemes);
        }
        return index;
    }

    private static string Describe(IOpenApiSecurityScheme s) =>
        string.Join(" ", new[] { s.Type?.ToString(), s.Scheme, s.In?.ToString(), s.Name }.Where(x => !string.IsNullOrEmpty(x)));
}
