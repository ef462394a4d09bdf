using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace TeamUp.Generated.Serialization;

/// <summary>
/// Picks the subtype of a polymorphic TeamUp object (a <see cref="BilledItem"/>) by its discriminator and
/// keeps the discriminator readable. NSwag's own converter drops an unknown discriminator value and writes
/// the C# type name back instead; here an unknown kind reads as the base type with its <c>type</c> intact.
/// </summary>
public sealed class DiscriminatorConverter : JsonConverter
{
    [ThreadStatic]
    private static bool _writingInner;

    /// <summary>Creates the converter for one discriminator property.</summary>
    /// <param name="discriminatorName">The JSON property that names the kind, e.g. <c>type</c>.</param>
    public DiscriminatorConverter(string discriminatorName) => DiscriminatorName = discriminatorName;

    /// <summary>The JSON property that names the kind.</summary>
    public string DiscriminatorName { get; }

    /// <inheritdoc />
    public override bool CanConvert(Type objectType) => true;

    /// <inheritdoc />
    public override bool CanWrite
    {
        get
        {
            // The inner serialization of the same object must not come back here.
            if (_writingInner)
            {
                _writingInner = false;
                return false;
            }
            return true;
        }
    }

    /// <inheritdoc />
    public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
    {
        if (reader.TokenType == JsonToken.Null)
        {
            return null;
        }
        var json = JObject.Load(reader);
        var kind = json[DiscriminatorName]?.Type == JTokenType.String ? json.Value<string>(DiscriminatorName) : null;
        var subtype = SubtypeFor(objectType, kind) ?? objectType;
        var contract = serializer.ContractResolver.ResolveContract(subtype);
        var instance = contract.DefaultCreator?.Invoke()
            ?? throw new JsonSerializationException($"Cannot create {subtype.Name} at '{reader.Path}'.");
        // Populate does not consult the class-level converter, so this does not recurse.
        using var inner = json.CreateReader();
        serializer.Populate(inner, instance);
        return instance;
    }

    /// <inheritdoc />
    public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer)
    {
        if (value is null)
        {
            writer.WriteNull();
            return;
        }
        JObject json;
        try
        {
            _writingInner = true;
            json = JObject.FromObject(value, serializer);
        }
        finally
        {
            _writingInner = false;
        }
        if (json[DiscriminatorName] is null or { Type: JTokenType.Null } && KindOf(value.GetType()) is { } kind)
        {
            json[DiscriminatorName] = kind;
        }
        json.WriteTo(writer);
    }

    /// <summary>The discriminator value the spec maps to <paramref name="type"/>, if any.</summary>
    /// <param name="type">A generated subtype.</param>
    public static string? KindOf(Type type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var attribute in current.GetCustomAttributes<JsonInheritanceAttribute>(false))
            {
                if (attribute.Type == type)
                {
                    return attribute.Key;
                }
            }
        }
        return null;
    }

    private static Type? SubtypeFor(Type baseType, string? kind) =>
        kind is null
            ? null
            : baseType.GetCustomAttributes<JsonInheritanceAttribute>(true).FirstOrDefault(a => a.Key == kind)?.Type;
}
