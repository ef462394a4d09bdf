using Microsoft.OpenApi;

namespace TeamUp.ContractReview.Rules;

internal sealed partial class SchemaComparer
{
    private void CompareProperties(SchemaView o, SchemaView n, SchemaFamily family, string path)
    {
        var (oldProps, oldRequired) = o.FlattenedProperties();
        var (newProps, newRequired) = n.FlattenedProperties();
        var nested = family.Nested;

        foreach (var (name, oldProp) in oldProps)
        {
            var at = Join(path, name);
            if (!newProps.TryGetValue(name, out var newProp))
            {
                if (family.IsRequest)
                    Report("request-property-removed", at, $"request property {Subject(at)} removed");
                else if (!oldProp.WriteOnly)
                    Report(oldRequired.Contains(name) ? "response-required-property-removed" : "response-optional-property-removed",
                        at, $"response property {Subject(at)} removed");
                continue;
            }
            CompareRequired(family, at, oldRequired.Contains(name), newRequired.Contains(name), oldProp, newProp);
            CompareDeprecated(family, at, oldProp.Deprecated, newProp.Deprecated);
            Compare(oldProp, newProp, nested, at);
        }

        foreach (var (name, newProp) in newProps.Where(p => !oldProps.ContainsKey(p.Key)))
        {
            var at = Join(path, name);
            var required = newRequired.Contains(name);
            // The server fills read-only properties and never sends write-only ones back.
            if (family.IsRequest && !newProp.ReadOnly)
                Report(required ? "new-required-request-property" : "new-optional-request-property", at,
                    $"{(required ? "required" : "optional")} request property {Subject(at)} added");
            else if (!family.IsRequest && !newProp.WriteOnly)
                Report(required ? "response-required-property-added" : "response-optional-property-added", at,
                    $"{(required ? "required" : "optional")} response property {Subject(at)} added");
        }
    }

    private void CompareRequired(SchemaFamily family, string at, bool wasRequired, bool isRequired, IOpenApiSchema oldProp, IOpenApiSchema newProp)
    {
        if (wasRequired == isRequired) return;
        if (family.IsRequest && !newProp.ReadOnly)
            Report(isRequired ? "request-property-became-required" : "request-property-became-optional", at,
                $"request property {Subject(at)} became {(isRequired ? "required" : "optional")}");
        else if (!family.IsRequest && !oldProp.WriteOnly)
            Report(isRequired ? "response-property-became-required" : "response-property-became-optional", at,
                $"response property {Subject(at)} became {(isRequired ? "required" : "optional")}");
    }

    private void CompareDeprecated(SchemaFamily family, string at, bool wasDeprecated, bool isDeprecated)
    {
        if (wasDeprecated == isDeprecated) return;
        var side = family.IsRequest ? "request" : "response";
        Report($"{side}-property-{(isDeprecated ? "deprecated" : "reactivated")}", at,
            $"{side} property {Subject(at)} {(isDeprecated ? "deprecated" : "no longer deprecated")}");
    }

    private void CompareAdditionalProperties(SchemaView o, SchemaView n, SchemaFamily family, string path)
    {
        if (!o.IsObject || !n.IsObject) return;
        var (oldOpen, newOpen) = (IsOpen(o.Schema), IsOpen(n.Schema));
        if (oldOpen != newOpen)
            Report(family.Id(newOpen ? "additional-properties-allowed" : "additional-properties-restricted"), path,
                newOpen ? $"{Subject(path)} now allows properties it does not list"
                        : $"{Subject(path)} no longer allows properties it does not list (additionalProperties: false)");
        if (o.Schema.AdditionalProperties is { } oldExtra && n.Schema.AdditionalProperties is { } newExtra)
            Compare(oldExtra, newExtra, family.Nested, Join(path, "additionalProperties"));
    }

    // Absent means open in OpenAPI; only an explicit false (or a false schema) closes an object.
    private static bool IsOpen(IOpenApiSchema schema) =>
        schema.AdditionalPropertiesAllowed && schema.AdditionalProperties is not OpenApiSchema { Not: not null };
}
