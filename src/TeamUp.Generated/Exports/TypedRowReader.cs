using System.Globalization;
using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace TeamUp.Generated;

/// <summary>
/// Reads export rows into their model type straight off a <see cref="JsonReader"/> (a JSON file's reader, or a CSV
/// record's token stream), with the serializer's own contracts: per object type a plan made once from its
/// <see cref="JsonObjectContract"/> maps property names to the property's value provider, read method and converter.
/// Calling <see cref="JsonSerializer.Deserialize(JsonReader, Type)"/> per row spent most of its time outside the
/// values (a reader state per call, converter lookups per property, a presence dictionary per object with required
/// properties, such as every <see cref="Money"/>).
/// </summary>
/// <remarks>
/// The plan repeats what Newtonsoft's object reading does, step for step, with the same public pieces: each value is
/// read with the read method the property's contract asks for (<c>ReadAsInt32</c>, <c>ReadAsDateTimeOffset</c>, …, so
/// text converts by Newtonsoft's own rules and fails with its own messages), converters (extensible enums, the CSV
/// amount converter, expandable fields) are called as the serializer calls them, null handling, required properties
/// (same messages, same order), extension data and deserialization callbacks behave the same. Whatever the plan does
/// not model is handed back to the serializer: a type whose contract uses settings the plan does not follow (type names,
/// references, default-value handling, constructors with parameters, error callbacks, …), and any value other than a
/// scalar or a nested planned object (lists, free-form objects, unusual scalar types) — so the result is the
/// serializer's, only faster where rows spend their time. Not thread-safe: one per reading.
/// </remarks>
internal sealed class TypedRowReader
{
    private static readonly Func<JsonContract, string?> ReadTypeOf = ContractMember<string?>("InternalReadType", v => v?.ToString());
    private static readonly Func<JsonContract, JsonConverter?> InternalConverterOf = ContractMember("InternalConverter", v => v as JsonConverter);

    private readonly JsonSerializer _serializer;
    private readonly Dictionary<Type, ObjectPlan?> _plans = [];

    public TypedRowReader(JsonSerializer serializer)
    {
        _serializer = serializer;
    }

    /// <summary>Whether rows of <paramref name="type"/> are read by a plan (otherwise by the serializer).</summary>
    public bool Plans(Type type) => PlanFor(type) is not null;

    /// <summary>
    /// Reads a <typeparamref name="T"/> from the reader: positioned on the row's <c>{</c> (left on its <c>}</c>), or before
    /// it (a fresh reader).
    /// </summary>
    public T? Read<T>(JsonReader reader)
    {
        var plan = PlanFor(typeof(T));
        if (plan is null)
        {
            return _serializer.Deserialize<T>(reader);
        }
        if (reader.TokenType == JsonToken.None && !ReadToContent(reader))
        {
            return default;
        }
        if (reader.TokenType != JsonToken.StartObject)
        {
            return _serializer.Deserialize<T>(reader);
        }
        return (T?)ReadObject(reader, plan);
    }

    private object? ReadObject(JsonReader reader, ObjectPlan plan)
    {
        var contract = plan.Contract;
        var target = contract.DefaultCreator!();
        foreach (var callback in contract.OnDeserializingCallbacks)
        {
            callback(target, _serializer.Context);
        }
        Span<byte> presence = plan.Required.Length <= 64 ? stackalloc byte[plan.Required.Length] : new byte[plan.Required.Length];
        presence.Clear();
        var first = true;
        while (true)
        {
            if (!reader.Read())
            {
                throw Fail(reader, "Unexpected end when deserializing object.");
            }
            var token = reader.TokenType;
            if (token == JsonToken.EndObject)
            {
                break;
            }
            if (token == JsonToken.Comment)
            {
                continue;
            }
            if (token != JsonToken.PropertyName)
            {
                throw Fail(reader, "Unexpected token when deserializing object: " + token.ToString());
            }
            var name = reader.Value!.ToString()!;
            if (first && name is "$id" or "$ref" or "$type" or "$values")
            {
                // Metadata leads the object: the serializer's reference and type rules apply, so it reads the object.
                return ReadWithSerializer(reader, name, plan.Type);
            }
            first = false;
            var property = plan.Find(name);
            if (property is null || property.Ignored)
            {
                if (!reader.Read())
                {
                    continue; // the next Read reports the end
                }
                if (property is not null)
                {
                    Mark(presence, property, reader);
                }
                SetExtensionData(reader, plan, target, name);
                continue;
            }
            ReadProperty(reader, plan, property, target, presence);
        }
        for (var i = 0; i < plan.Required.Length; i++)
        {
            var property = plan.Required[i];
            switch (presence[i])
            {
                case Absent when property.Required is Required.AllowNull or Required.Always:
                    throw Fail(reader, $"Required property '{property.Name}' not found in JSON.");
                case Null when property.Required == Required.Always:
                    throw Fail(reader, $"Required property '{property.Name}' expects a value but got null.");
                case Null when property.Required == Required.DisallowNull:
                    throw Fail(reader, $"Required property '{property.Name}' expects a non-null value.");
            }
        }
        foreach (var callback in contract.OnDeserializedCallbacks)
        {
            callback(target, _serializer.Context);
        }
        return target;
    }

    private void ReadProperty(JsonReader reader, ObjectPlan plan, PropertyPlan property, object target, Span<byte> presence)
    {
        var read = property.Read switch
        {
            ReadKind.Converter => reader.Read(),
            ReadKind.Int32 => reader.ReadAsInt32() is not null || reader.TokenType != JsonToken.None,
            ReadKind.Decimal => reader.ReadAsDecimal() is not null || reader.TokenType != JsonToken.None,
            ReadKind.Double => reader.ReadAsDouble() is not null || reader.TokenType != JsonToken.None,
            ReadKind.Boolean => reader.ReadAsBoolean() is not null || reader.TokenType != JsonToken.None,
            ReadKind.String => reader.ReadAsString() is not null || reader.TokenType != JsonToken.None,
            ReadKind.DateTime => reader.ReadAsDateTime() is not null || reader.TokenType != JsonToken.None,
            ReadKind.DateTimeOffset => reader.ReadAsDateTimeOffset() is not null || reader.TokenType != JsonToken.None,
            ReadKind.Bytes => reader.ReadAsBytes() is not null || reader.TokenType != JsonToken.None,
            _ => ReadToContent(reader),
        };
        if (!read)
        {
            throw Fail(reader, $"Unexpected end when setting {property.Name}'s value.");
        }
        Mark(presence, property, reader);
        var token = reader.TokenType;

        // What the serializer does with the token (CalculatePropertyDetails, then SetPropertyValue).
        object? current = null;
        var useExisting = false;
        if (property.Reuses && (property.Read == ReadKind.Converter || token is JsonToken.StartObject or JsonToken.StartArray))
        {
            current = property.Source.ValueProvider!.GetValue(target);
            useExisting = current is not null && !current.GetType().IsValueType;
        }
        if (token == JsonToken.Null && property.IgnoresNull)
        {
            return;
        }
        object? value;
        if (property.Read == ReadKind.Converter)
        {
            if (!useExisting && current is null && property.Source.Readable)
            {
                current = property.Source.ValueProvider!.GetValue(target);
            }
            value = property.Converter!.ReadJson(reader, property.Type, current, _serializer);
        }
        else if (useExisting)
        {
            _serializer.Populate(reader, current!);
            value = current;
        }
        else if (property.Read != ReadKind.Other)
        {
            // The read method left a value of the property's type, or null, or something to convert as the serializer does.
            value = reader.Value is { } scalar && scalar.GetType() == property.ValueType ? scalar
                : token == JsonToken.Null && property.Nullable ? null
                : Deserialize(reader, property.Type);
        }
        else if (token == JsonToken.StartObject && PlanFor(property.Type) is { } nested)
        {
            value = ReadObject(reader, nested);
        }
        else if (token == JsonToken.String && property.ValueType == typeof(DateOnly) && IsoDate((string)reader.Value!) is { } date)
        {
            value = date;
        }
        else
        {
            value = Deserialize(reader, property.Type);
        }
        if ((!useExisting || !ReferenceEquals(value, current)) && !(value is null && property.IgnoresNull))
        {
            property.Source.ValueProvider!.SetValue(target, value);
            property.Source.SetIsSpecified?.Invoke(target, true);
        }
    }

    // The serializer reads a DateOnly from text as exactly yyyy-MM-dd (DateOnly.ParseExact); that shape is read here by
    // hand, anything else (other shapes, impossible dates: its errors) is left to it.
    private static DateOnly? IsoDate(string text)
    {
        if (text.Length != 10 || text[4] != '-' || text[7] != '-')
        {
            return null;
        }
        var year = Digits(text, 0, 4);
        var month = Digits(text, 5, 2);
        var day = Digits(text, 8, 2);
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) ? new DateOnly(year, month, day) : null;
    }

    /// <summary>The number written by <paramref name="count"/> ASCII digits from <paramref name="start"/>, or -1 when one is not a digit
    /// (the hand-read ISO dates of both row readers).</summary>
    internal static int Digits(string text, int start, int count)
    {
        var value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = text[i] - '0';
            if (digit is < 0 or > 9)
            {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private object? Deserialize(JsonReader reader, Type type) => _serializer.Deserialize(reader, type);

    private const byte Absent = 0;
    private const byte Value = 1;
    private const byte Null = 2;

    private static void Mark(Span<byte> presence, PropertyPlan property, JsonReader reader)
    {
        if (property.RequiredIndex < 0)
        {
            return;
        }
        presence[property.RequiredIndex] = reader.TokenType switch
        {
            JsonToken.String => reader.Value is "" && property.EmptyIsNull ? Null : Value,
            JsonToken.Null or JsonToken.Undefined => Null,
            _ => Value,
        };
    }

    private void SetExtensionData(JsonReader reader, ObjectPlan plan, object target, string name)
    {
        var contract = plan.Contract;
        if (contract.ExtensionDataSetter is null)
        {
            reader.Skip();
            return;
        }
        try
        {
            var value = plan.ExtensionDataIsJToken ? JToken.ReadFrom(reader) : _serializer.Deserialize(reader, (Type?)null);
            contract.ExtensionDataSetter(target, name, value);
        }
        catch (Exception exception)
        {
            throw Fail(reader, $"Error setting value in extension data for type '{contract.UnderlyingType}'.", exception);
        }
    }

    // The rest of an object that starts with metadata, read by the serializer from a JObject.
    private object? ReadWithSerializer(JsonReader reader, string firstName, Type type)
    {
        var rest = new JObject();
        var name = firstName;
        while (true)
        {
            if (!ReadToContent(reader))
            {
                throw Fail(reader, "Unexpected end when deserializing object.");
            }
            rest[name] = JToken.ReadFrom(reader);
            if (!ReadToContent(reader))
            {
                throw Fail(reader, "Unexpected end when deserializing object.");
            }
            if (reader.TokenType == JsonToken.EndObject)
            {
                break;
            }
            name = reader.Value!.ToString()!;
        }
        using var tokens = rest.CreateReader();
        return _serializer.Deserialize(tokens, type);
    }

    private static bool ReadToContent(JsonReader reader)
    {
        while (reader.Read())
        {
            if (reader.TokenType != JsonToken.Comment)
            {
                return true;
            }
        }
        return false;
    }

    // JsonSerializationException.Create's message and position (it is internal).
    private static JsonSerializationException Fail(JsonReader reader, string message, Exception? inner = null)
    {
        var path = reader.Path;
        message = message.Trim();
        if (!message.EndsWith('.'))
        {
            message += ".";
        }
        message += " Path '" + path + "'";
        int line = 0, position = 0;
        if (reader is IJsonLineInfo info && info.HasLineInfo())
        {
            line = info.LineNumber;
            position = info.LinePosition;
            message += string.Create(CultureInfo.InvariantCulture, $", line {line}, position {position}");
        }
        return new JsonSerializationException(message + ".", path, line, position, inner);
    }

    private ObjectPlan? PlanFor(Type type)
    {
        if (!_plans.TryGetValue(type, out var plan))
        {
            plan = ObjectPlan.Create(type, _serializer);
            _plans[type] = plan;
        }
        return plan;
    }

    // The converter the serializer would use for a value of this contract reached through this property.
    private static JsonConverter? ConverterFor(JsonContract contract, JsonConverter? member, JsonSerializer serializer)
    {
        if (member is not null)
        {
            return member;
        }
        if (contract.Converter is { } declared)
        {
            return declared;
        }
        foreach (var converter in serializer.Converters)
        {
            if (converter.CanConvert(contract.UnderlyingType))
            {
                return converter;
            }
        }
        return InternalConverterOf(contract);
    }

    private static Func<JsonContract, T?> ContractMember<T>(string name, Func<object?, T?> convert)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
        if (typeof(JsonContract).GetProperty(name, flags) is { } property)
        {
            return contract => convert(property.GetValue(contract));
        }
        if (typeof(JsonContract).GetField(name, flags) is { } field)
        {
            return contract => convert(field.GetValue(contract));
        }
        return _ => default;
    }

    private enum ReadKind { Other, Converter, Int32, Decimal, Double, Boolean, String, DateTime, DateTimeOffset, Bytes }

    private sealed class PropertyPlan
    {
        public required JsonProperty Source { get; init; }
        public required string Name { get; init; }
        public required Type Type { get; init; }
        /// <summary>The property's type without Nullable.</summary>
        public required Type ValueType { get; init; }
        public required ReadKind Read { get; init; }
        public JsonConverter? Converter { get; init; }
        public required bool Ignored { get; init; }
        public required bool IgnoresNull { get; init; }
        /// <summary>Whether an existing value is filled rather than replaced (ObjectCreationHandling other than Replace).</summary>
        public required bool Reuses { get; init; }
        public required Required Required { get; init; }
        public int RequiredIndex { get; set; } = -1;
        /// <summary>Whether an empty string counts as null for presence (the serializer's CoerceEmptyStringToNull).</summary>
        public required bool EmptyIsNull { get; init; }
        /// <summary>Whether the property can hold null.</summary>
        public required bool Nullable { get; init; }
    }

    private sealed class ObjectPlan
    {
        private readonly Dictionary<string, PropertyPlan> _byName;
        private readonly Dictionary<JsonProperty, PropertyPlan> _bySource;

        private ObjectPlan(Type type, JsonObjectContract contract, PropertyPlan[] properties)
        {
            Type = type;
            Contract = contract;
            _byName = new Dictionary<string, PropertyPlan>(StringComparer.Ordinal);
            _bySource = new Dictionary<JsonProperty, PropertyPlan>(ReferenceEqualityComparer.Instance);
            foreach (var property in properties)
            {
                _byName.TryAdd(property.Name, property);
                _bySource[property.Source] = property;
            }
            Required = properties.Where(p => p.Required != Newtonsoft.Json.Required.Default).ToArray();
            for (var i = 0; i < Required.Length; i++)
            {
                Required[i].RequiredIndex = i;
            }
            ExtensionDataIsJToken = contract.ExtensionDataValueType is { } valueType && typeof(JToken).IsAssignableFrom(valueType);
        }

        public Type Type { get; }
        public JsonObjectContract Contract { get; }
        /// <summary>Properties whose presence is checked at the object's end, in the contract's order.</summary>
        public PropertyPlan[] Required { get; }
        public bool ExtensionDataIsJToken { get; }

        public PropertyPlan? Find(string name)
        {
            if (_byName.TryGetValue(name, out var property))
            {
                return property;
            }
            // The serializer's rule: exact name first, then ignoring case.
            return Contract.Properties.GetClosestMatchProperty(name) is { } match && _bySource.TryGetValue(match, out property) ? property : null;
        }

        /// <summary>A plan for the type, or null when the serializer must read it (see the class remarks).</summary>
        public static ObjectPlan? Create(Type type, JsonSerializer serializer)
        {
            // object (and dynamic) values become JObjects in the serializer; value types are left to it too.
            if (type == typeof(object) || type.IsValueType || type.IsAbstract || type.IsInterface
                || serializer.ContractResolver.ResolveContract(type) is not JsonObjectContract contract
                || contract.GetType() != typeof(JsonObjectContract)
                || ConverterFor(contract, null, serializer) is not null
                || contract.OverrideCreator is not null || contract.DefaultCreator is null || contract.DefaultCreatorNonPublic
                || contract.CreatorParameters.Count > 0
                || contract.ItemConverter is not null || contract.ItemRequired is not null || contract.ItemIsReference is not null
                || contract.ItemTypeNameHandling is not null || contract.IsReference is not null
                || contract.OnErrorCallbacks.Count > 0
                || (contract.MissingMemberHandling ?? serializer.MissingMemberHandling) != MissingMemberHandling.Ignore
                || serializer.MetadataPropertyHandling != MetadataPropertyHandling.Default
                || serializer.TypeNameHandling != TypeNameHandling.None
                || serializer.PreserveReferencesHandling != PreserveReferencesHandling.None
                || serializer.TraceWriter is not null)
            {
                return null;
            }
            var properties = new List<PropertyPlan>(contract.Properties.Count);
            foreach (var property in contract.Properties)
            {
                if (property.PropertyName is null || property.PropertyType is null || property.ValueProvider is null)
                {
                    return null;
                }
                if (property.Ignored)
                {
                    properties.Add(new PropertyPlan
                    {
                        Source = property, Name = property.PropertyName, Type = property.PropertyType, ValueType = property.PropertyType,
                        Read = ReadKind.Other, Ignored = true, IgnoresNull = false, Reuses = false, Required = Newtonsoft.Json.Required.Default, EmptyIsNull = false, Nullable = true,
                    });
                    continue;
                }
                if (property.ShouldDeserialize is not null || !property.Writable
                    || property.ItemConverter is not null || property.ItemIsReference is not null || property.ItemTypeNameHandling is not null
                    || property.TypeNameHandling is not null || property.IsReference is not null
                    || (property.DefaultValueHandling ?? serializer.DefaultValueHandling) != DefaultValueHandling.Include)
                {
                    return null;
                }
                var propertyContract = serializer.ContractResolver.ResolveContract(property.PropertyType);
                var converter = ConverterFor(propertyContract, property.Converter, serializer);
                if (converter is { CanRead: false })
                {
                    return null;
                }
                var valueType = System.Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                var read = converter is not null ? ReadKind.Converter : ReadKindOf(propertyContract, valueType);
                if (read is null)
                {
                    return null;
                }
                var nullable = !property.PropertyType.IsValueType || System.Nullable.GetUnderlyingType(property.PropertyType) is not null;
                properties.Add(new PropertyPlan
                {
                    Source = property,
                    Name = property.PropertyName,
                    Type = property.PropertyType,
                    ValueType = valueType,
                    Read = read.Value,
                    Converter = converter,
                    Ignored = false,
                    IgnoresNull = (property.NullValueHandling ?? contract.ItemNullValueHandling ?? serializer.NullValueHandling) == NullValueHandling.Ignore,
                    Reuses = (property.ObjectCreationHandling ?? serializer.ObjectCreationHandling) != ObjectCreationHandling.Replace
                        && property.Readable && propertyContract is not JsonLinqContract,
                    Required = property.Required,
                    EmptyIsNull = property.PropertyType != typeof(string) && property.PropertyType != typeof(object) && nullable,
                    Nullable = nullable,
                });
            }
            return new ObjectPlan(type, contract, [.. properties]);
        }

        // How the serializer reads the token for a contract without a converter (JsonReader.ReadForType).
        private static ReadKind? ReadKindOf(JsonContract contract, Type valueType) => ReadTypeOf(contract) switch
        {
            "Read" => ReadKind.Other,
            "ReadAsInt32" => ReadKind.Int32,
            "ReadAsDecimal" => ReadKind.Decimal,
            "ReadAsDouble" => ReadKind.Double,
            "ReadAsBoolean" => ReadKind.Boolean,
            "ReadAsString" => ReadKind.String,
            "ReadAsDateTime" => ReadKind.DateTime,
            "ReadAsDateTimeOffset" => ReadKind.DateTimeOffset,
            "ReadAsBytes" => ReadKind.Bytes,
            _ => null, // ReadAsInt64 has its own checks; unknown: not planned
        };
    }
}
