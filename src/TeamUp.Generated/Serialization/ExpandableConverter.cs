using System.Globalization;
using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace TeamUp.Generated.Serialization;

/// <summary>
/// Reads an expandable field in either shape TeamUp sends (an integer id, or the object with its <c>id</c>)
/// and writes it back in the shape it was read. NSwag alone maps <c>oneOf [integer, object]</c> to a plain
/// <c>int</c>, which fails as soon as a caller asks for expansion.
/// </summary>
public sealed class ExpandableConverter : JsonConverter
{
    /// <inheritdoc />
    public override bool CanConvert(Type objectType) =>
        objectType.IsGenericType && objectType.GetGenericTypeDefinition() == typeof(Expandable<>);

    /// <inheritdoc />
    public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
    {
        var targetType = objectType.GetGenericArguments()[0];
        switch (reader.TokenType)
        {
            case JsonToken.Null:
            case JsonToken.Undefined:
                return null;
            case JsonToken.Integer:
                return Create(objectType, Convert.ToInt32(reader.Value, CultureInfo.InvariantCulture), null);
            case JsonToken.String when int.TryParse((string)reader.Value!, NumberStyles.None, CultureInfo.InvariantCulture, out var id):
                return Create(objectType, id, null);
            case JsonToken.StartObject:
                var json = JObject.Load(reader);
                var idToken = json["id"];
                if (idToken is null || idToken.Type != JTokenType.Integer)
                {
                    throw new JsonSerializationException(
                        $"Expanded {targetType.Name} at '{reader.Path}' has no integer 'id'.");
                }
                var value = json.ToObject(targetType, serializer)!;
                return Create(objectType, idToken.Value<int>(), value);
            default:
                throw new JsonSerializationException(
                    $"Expected an id or a {targetType.Name} object at '{reader.Path}' but found {reader.TokenType}.");
        }
    }

    /// <inheritdoc />
    public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer)
    {
        if (value is null)
        {
            writer.WriteNull();
            return;
        }
        var type = value.GetType();
        var expanded = type.GetProperty(nameof(Expandable<object>.Value))!.GetValue(value);
        if (expanded is null)
        {
            writer.WriteValue((int)type.GetProperty(nameof(Expandable<object>.Id))!.GetValue(value)!);
        }
        else
        {
            serializer.Serialize(writer, expanded);
        }
    }

    private static object Create(Type expandableType, int id, object? value) =>
        value is null
            ? Activator.CreateInstance(expandableType, id)!
            : Activator.CreateInstance(expandableType, BindingFlags.Public | BindingFlags.Instance, null, [id, value], CultureInfo.InvariantCulture)!;
}
