using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace TeamUp.ContractReview.Rules;

/// <summary>
/// A schema as a client sees it: wrappers that only exist for OpenAPI's sake
/// (<c>allOf: [$ref]</c> to attach a description, <c>anyOf: [X, {type: null}]</c> for
/// nullability) are looked through, and nullability from 3.0 and 3.1 is one flag.
/// </summary>
internal sealed record SchemaView(IOpenApiSchema Schema, string? RefName, bool Nullable)
{
    public static SchemaView? Of(IOpenApiSchema? schema)
    {
        if (schema is null) return null;
        var nullable = IsNullType(schema.Type);
        string? refName = null;
        for (var depth = 0; depth < 32; depth++)
        {
            refName = RefOf(schema) ?? refName;
            var next = SingleMeaningfulBranch(schema, ref nullable);
            if (next is null) break;
            schema = next;
            nullable |= IsNullType(schema.Type);
        }
        return new SchemaView(schema, refName, nullable);
    }

    public static string? RefOf(IOpenApiSchema schema)
    {
        if (schema is OpenApiSchemaReference reference)
        {
            if (reference.Target is null)
                throw new UnresolvedReferenceException(reference.Reference.ReferenceV3 ?? reference.Reference.Id ?? "?");
            return reference.Reference.Id;
        }
        return null;
    }

    private static IOpenApiSchema? SingleMeaningfulBranch(IOpenApiSchema schema, ref bool nullable)
    {
        if (schema.Properties is { Count: > 0 } || schema.Enum is { Count: > 0 }) return null;
        if (schema.AllOf is { Count: 1 } allOf && (schema.Type & ~JsonSchemaType.Null) is null or 0)
            return allOf[0];
        foreach (var list in new[] { schema.AnyOf, schema.OneOf })
        {
            if (list is not { Count: 2 }) continue;
            var nonNull = list.Where(s => s.Type != JsonSchemaType.Null).ToList();
            if (nonNull.Count == 1)
            {
                nullable = true;
                return nonNull[0];
            }
        }
        return null;
    }

    public static bool IsNullType(JsonSchemaType? type) => type is { } t && (t & JsonSchemaType.Null) != 0;

    public JsonSchemaType? Type => Schema.Type is { } t && (t & ~JsonSchemaType.Null) != 0 ? t & ~JsonSchemaType.Null : null;

    public bool IsObject => Type == JsonSchemaType.Object || Schema.Properties is { Count: > 0 };

    /// <summary>Own properties plus those of every allOf branch, the way NSwag merges them into one class.</summary>
    public (Dictionary<string, IOpenApiSchema> Properties, HashSet<string> Required) FlattenedProperties()
    {
        var properties = new Dictionary<string, IOpenApiSchema>();
        var required = new HashSet<string>();
        Collect(Schema, properties, required, 0);
        return (properties, required);
    }

    private static void Collect(IOpenApiSchema schema, Dictionary<string, IOpenApiSchema> properties, HashSet<string> required, int depth)
    {
        if (depth > 16) return;
        RefOf(schema);
        foreach (var branch in schema.AllOf ?? [])
            Collect(branch, properties, required, depth + 1);
        foreach (var (name, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
            properties[name] = property;
        foreach (var name in schema.Required ?? new HashSet<string>())
            required.Add(name);
    }

    public static string Describe(JsonSchemaType? type, string? format)
    {
        var name = type is null ? "any" : string.Join("|", Enum.GetValues<JsonSchemaType>()
            .Where(t => (type.Value & t) != 0).Select(t => t.ToString().ToLowerInvariant()));
        return format is null ? name : $"{name} ({format})";
    }

    public static decimal? Number(string? value) =>
        decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    public static string Show(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "null";
}

/// <summary>A $ref that points nowhere: the document cannot be reviewed (exit 2).</summary>
internal sealed class UnresolvedReferenceException(string reference) : Exception($"unresolved $ref '{reference}'")
{
    public string Reference { get; } = reference;
}
