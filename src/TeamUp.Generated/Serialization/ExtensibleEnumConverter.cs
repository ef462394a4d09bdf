using System.Globalization;
using Newtonsoft.Json;

namespace TeamUp.Generated.Serialization;

/// <summary>
/// Reads any JSON scalar into an extensible enum and writes it back exactly as it was read. NSwag's default
/// (<c>StringEnumConverter</c> on a C# enum) throws on a value the spec does not list, which would make a
/// new TeamUp status break every caller; this converter keeps the value instead.
/// </summary>
/// <typeparam name="TEnum">The generated enum type.</typeparam>
public sealed class ExtensibleEnumConverter<TEnum> : JsonConverter
    where TEnum : struct, IExtensibleEnum<TEnum>
{
    /// <inheritdoc />
    public override bool CanConvert(Type objectType) =>
        objectType == typeof(TEnum) || objectType == typeof(TEnum?);

    /// <inheritdoc />
    public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
    {
        switch (reader.TokenType)
        {
            case JsonToken.Null:
            case JsonToken.Undefined:
                if (objectType == typeof(TEnum))
                {
                    throw new JsonSerializationException(
                        $"Null is not a valid {typeof(TEnum).Name} here (path '{reader.Path}').");
                }
                return null;
            case JsonToken.String:
                return TEnum.Create((string)reader.Value!);
            case JsonToken.Integer:
            case JsonToken.Float:
            case JsonToken.Boolean:
                // Not what the spec says, but keeping the value beats failing the whole response.
                return TEnum.Create(Convert.ToString(reader.Value, CultureInfo.InvariantCulture)!);
            default:
                throw new JsonSerializationException(
                    $"Expected a string for {typeof(TEnum).Name} but found {reader.TokenType} (path '{reader.Path}').");
        }
    }

    /// <inheritdoc />
    public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer)
    {
        if (value is TEnum known && !known.Equals(default))
        {
            writer.WriteValue(known.ToString());
        }
        else
        {
            writer.WriteNull();
        }
    }
}
