using Microsoft.OpenApi;

namespace TeamUp.ContractReview.Rules;

/// <summary>
/// Parameters of one operation (path-level ones included, operation-level ones winning),
/// known by where they go and their name. Moving a parameter (say from query to header)
/// is a removal plus an addition, as a caller experiences it.
/// </summary>
internal static class ParameterRules
{
    public static void Compare(PathRules.MatchedOperation match, ChangeLog log)
    {
        var label = match.Label;
        var oldParams = Effective(match.Old, match.OldPath, match.OldPathName);
        var newParams = Effective(match.New, match.NewPath, match.NewPathName);

        foreach (var (key, oldParam) in oldParams)
        {
            var where = Where(oldParam);
            if (!newParams.TryGetValue(key, out var newParam))
            {
                log.Add(oldParam.Deprecated ? "request-parameter-removed-with-deprecation" : "request-parameter-removed", label, where,
                    $"{where} parameter removed");
                continue;
            }
            if (oldParam.Required != newParam.Required)
                log.Add(newParam.Required ? "request-parameter-became-required" : "request-parameter-became-optional", label, where,
                    $"{where} parameter became {(newParam.Required ? "required" : "optional")}");
            if (oldParam.Deprecated != newParam.Deprecated)
                log.Add(newParam.Deprecated ? "request-parameter-deprecated" : "request-parameter-reactivated", label, where,
                    $"{where} parameter {(newParam.Deprecated ? "deprecated" : "no longer deprecated")}");
            CompareSerialization(label, where, oldParam, newParam, log);
            new SchemaComparer(log, label, where).Compare(SchemaOf(oldParam), SchemaOf(newParam), SchemaFamily.Parameter);
        }
        foreach (var (key, newParam) in newParams.Where(p => !oldParams.ContainsKey(p.Key)))
        {
            var where = Where(newParam);
            var id = newParam.In == ParameterLocation.Path ? "new-request-path-parameter"
                : newParam.Required ? "new-required-request-parameter" : "new-optional-request-parameter";
            log.Add(id, label, where, $"{(newParam.Required ? "required" : "optional")} {where} parameter added");
        }
    }

    // style/explode decide how a value is written (?status=a,b or ?status=a&status=b); the
    // generated client writes what the spec said, so a server that now expects the other
    // form misreads every existing caller. oasdiff has no rule for it.
    private static void CompareSerialization(string label, string where, IOpenApiParameter oldParam, IOpenApiParameter newParam, ChangeLog log)
    {
        var (oldStyle, newStyle) = (oldParam.Style ?? DefaultStyle(oldParam), newParam.Style ?? DefaultStyle(newParam));
        // The reader applies explode's default (true for form, false otherwise).
        var (oldExplode, newExplode) = (oldParam.Explode, newParam.Explode);
        if (oldStyle == newStyle && oldExplode == newExplode) return;
        log.Add("request-parameter-serialization-changed", label, where,
            $"{where} parameter is now written as style {newStyle}, explode {newExplode.ToString().ToLowerInvariant()} (was {oldStyle}, {oldExplode.ToString().ToLowerInvariant()})");
    }

    private static ParameterStyle DefaultStyle(IOpenApiParameter p) =>
        p.In is ParameterLocation.Query or ParameterLocation.Cookie ? ParameterStyle.Form : ParameterStyle.Simple;

    // A parameter described with content instead of schema carries its schema in the media type.
    private static IOpenApiSchema? SchemaOf(IOpenApiParameter p) => p.Schema ?? p.Content?.Values.FirstOrDefault()?.Schema;

    private static string Where(IOpenApiParameter p) => $"{p.In?.ToString().ToLowerInvariant()} '{p.Name}'";

    private static Dictionary<string, IOpenApiParameter> Effective(OpenApiOperation op, IOpenApiPathItem path, string pathName)
    {
        var positions = PathRules.PathParameterPositions(pathName);
        var all = new Dictionary<string, IOpenApiParameter>();
        foreach (var p in (path.Parameters ?? []).Concat(op.Parameters ?? []))
            all[Key(p, positions)] = p;
        return all;
    }

    // Header names are case-insensitive on the wire; a path parameter is known by its place
    // in the URL, since its name never goes over the wire.
    private static string Key(IOpenApiParameter p, Dictionary<string, int> pathPositions) => p.In switch
    {
        ParameterLocation.Header => $"header:{p.Name?.ToLowerInvariant()}",
        ParameterLocation.Path when p.Name is not null && pathPositions.TryGetValue(p.Name, out var position) => $"path:#{position}",
        _ => $"{p.In}:{p.Name}",
    };
}
