using System.Collections.Concurrent;
using System.Globalization;
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
    // One typed handler per T, built once: large exports read millions of these fields, so no reflection per value.
    private static readonly ConcurrentDictionary<Type, Handler> Handlers = new();

    /// <inheritdoc />
    public override bool CanConvert(Type objectType) =>
        objectType.IsGenericType && objectType.GetGenericTypeDefinition() == typeof(Expandable<>);

    /// <inheritdoc />
    public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer) =>
        HandlerFor(objectType).Read(reader, serializer);

    /// <inheritdoc />
    public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer)
    {
        if (value is null)
        {
            writer.WriteNull();
            return;
        }
        HandlerFor(value.GetType()).Write(writer, value, serializer);
    }

    private static Handler HandlerFor(Type expandableType) =>
        Handlers.GetOrAdd(expandableType, static type =>
            (Handler)Activator.CreateInstance(typeof(Handler<>).MakeGenericType(type.GetGenericArguments()[0]))!);

    private abstract class Handler
    {
        public abstract object? Read(JsonReader reader, JsonSerializer serializer);

        public abstract void Write(JsonWriter writer, object value, JsonSerializer serializer);
    }

    private sealed class Handler<T> : Handler
        where T : class
    {
        // The expanded objects all carry their id; reading it from the typed object lets the object be
        // deserialized straight from the reader instead of through an intermediate JObject.
        private static readonly Func<T, int?>? IdOf = BuildIdAccessor();

        public override object? Read(JsonReader reader, JsonSerializer serializer)
        {
            switch (reader.TokenType)
            {
                case JsonToken.Null:
                case JsonToken.Undefined:
                    return null;
                case JsonToken.Integer:
                    return new Expandable<T>(Convert.ToInt32(reader.Value, CultureInfo.InvariantCulture));
                case JsonToken.String when int.TryParse((string)reader.Value!, NumberStyles.None, CultureInfo.InvariantCulture, out var id):
                    return new Expandable<T>(id);
                case JsonToken.StartObject:
                    return ReadObject(reader, serializer);
                default:
                    throw new JsonSerializationException(
                        $"Expected an id or a {typeof(T).Name} object at '{reader.Path}' but found {reader.TokenType}.");
            }
        }

        private static Expandable<T> ReadObject(JsonReader reader, JsonSerializer serializer)
        {
            var path = reader.Path;
            if (IdOf is not null)
            {
                var value = serializer.Deserialize<T>(reader)!;
                // Even when read tolerantly, an expanded object without its id stays an error: the id is what the field is.
                if (TeamUpContract.MissingRequiredFields(value).Contains("id"))
                {
                    throw MissingId(path);
                }
                return new Expandable<T>(IdOf(value) ?? throw MissingId(path), value);
            }
            var json = JObject.Load(reader);
            if (json["id"] is not { Type: JTokenType.Integer } idToken)
            {
                throw MissingId(path);
            }
            return new Expandable<T>(idToken.Value<int>(), json.ToObject<T>(serializer)!);
        }

        private static JsonSerializationException MissingId(string path) =>
            new($"Expanded {typeof(T).Name} at '{path}' has no integer 'id'.");

        private static Func<T, int?>? BuildIdAccessor()
        {
            var property = typeof(T).GetProperty("Id");
            if (property?.PropertyType == typeof(int))
            {
                var getter = property.GetGetMethod()!.CreateDelegate<Func<T, int>>();
                return value => getter(value);
            }
            return property?.PropertyType == typeof(int?) ? property.GetGetMethod()!.CreateDelegate<Func<T, int?>>() : null;
        }

        public override void Write(JsonWriter writer, object value, JsonSerializer serializer)
        {
            var expandable = (Expandable<T>)value;
            if (expandable.Value is null)
            {
                writer.WriteValue(expandable.Id);
            }
            else
            {
                serializer.Serialize(writer, expandable.Value);
            }
        }
    }
}
