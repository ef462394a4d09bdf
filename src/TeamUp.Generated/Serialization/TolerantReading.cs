using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace TeamUp.Generated.Serialization;

/// <summary>
/// Reads TeamUp answers whose objects break the spec's promise of a required property (absent, or null where null is not
/// allowed) without failing the whole answer: the object is returned with the property at its default, the broken promise
/// is recorded on the object (<see cref="TeamUpContract.MissingRequiredFields"/>), logged as a warning naming the operation
/// and the field, and counted (<see cref="TeamUpTelemetry.ContractViolationsInstrument"/>).
/// </summary>
internal sealed class TolerantContractResolver : DefaultContractResolver
{
    public static readonly TolerantContractResolver Instance = new();

    // Which promised properties have been set so far on each object being read, as bits (word n of an object holds
    // promises 64n..64n+63), keyed by the object: converters that Populate an object skip its OnDeserializing callback, so
    // a stack pushed there would fall out of step. One graph is read on one thread. Bits, not a set of names per object:
    // this runs for every required property of every object of every answer.
    [ThreadStatic]
    private static Dictionary<(object Target, int Word), ulong>? _reading;

    protected override JsonObjectContract CreateObjectContract(Type objectType)
    {
        var contract = base.CreateObjectContract(objectType);
        var properties = contract.Properties
            .Where(p => p.Required != Required.Default && !p.Ignored && p.Writable && p.PropertyName is not null)
            .ToArray();
        if (properties.Length == 0)
        {
            return contract;
        }
        var promised = new Promise[properties.Length];
        for (var index = 0; index < properties.Length; index++)
        {
            var property = properties[index];
            promised[index] = new Promise(property, property.PropertyName!, property.Required);
            property.Required = Required.Default;
            property.ValueProvider = new Recording(property.ValueProvider!, index);
            // A property initialised with an instance (Money = new Money()) would be filled in place, never set, so never seen.
            property.ObjectCreationHandling = ObjectCreationHandling.Replace;
            if (property.PropertyType is { IsValueType: true } type && Nullable.GetUnderlyingType(type) is null)
            {
                // A null for an int or a date cannot be stored: it is skipped, and so reported as missing, not thrown.
                property.NullValueHandling = NullValueHandling.Ignore;
            }
        }
        contract.OnDeserializedCallbacks.Add((target, context) => Check(target, contract, promised, context));
        return contract;
    }

    private static void Check(object target, JsonObjectContract contract, Promise[] promised, System.Runtime.Serialization.StreamingContext context)
    {
        List<string>? broken = null;
        var bits = 0UL;
        for (var index = 0; index < promised.Length; index++)
        {
            if (index % 64 == 0)
            {
                bits = 0;
                _reading?.Remove((target, index / 64), out bits);
            }
            var promise = promised[index];
            var wasPresent = (bits & (1UL << (index % 64))) != 0;
            var isBroken = promise.Required switch
            {
                Required.Always => !wasPresent || promise.Property.ValueProvider!.GetValue(target) is null,
                Required.AllowNull => !wasPresent,
                Required.DisallowNull => wasPresent && promise.Property.ValueProvider!.GetValue(target) is null,
                _ => false,
            };
            if (isBroken)
            {
                (broken ??= []).Add(promise.Name);
            }
        }
        if (broken is null)
        {
            return;
        }
        TeamUpContract.Record(target, broken);
        var reading = context.Context as ResponseReading ?? ResponseReading.Current;
        foreach (var field in broken)
        {
            TeamUpTelemetry.ContractViolations.Add(1, new("teamup.operation", reading?.Operation ?? "TeamUp"), new("teamup.field", $"{contract.UnderlyingType.Name}.{field}"));
            if (reading?.Logger is { } logger)
            {
                Log.RequiredFieldMissing(logger, reading.Operation, contract.UnderlyingType.Name, field);
            }
        }
    }

    private sealed record Promise(JsonProperty Property, string Name, Required Required);

    private sealed class Recording(IValueProvider inner, int index) : IValueProvider
    {
        private readonly int _word = index / 64;
        private readonly ulong _bit = 1UL << (index % 64);

        public void SetValue(object target, object? value)
        {
            var reading = _reading ??= new Dictionary<(object, int), ulong>(ReadingKeyComparer.Instance);
            var key = (target, _word);
            if (reading.Count > 10_000 && !reading.ContainsKey(key))
            {
                reading.Clear(); // left over from reads that failed midway; nothing in progress is this deep
            }
            CollectionsMarshal.GetValueRefOrAddDefault(reading, key, out _) |= _bit;
            inner.SetValue(target, value);
        }

        public object? GetValue(object target) => inner.GetValue(target);
    }

    private sealed class ReadingKeyComparer : IEqualityComparer<(object Target, int Word)>
    {
        public static readonly ReadingKeyComparer Instance = new();

        public bool Equals((object Target, int Word) x, (object Target, int Word) y) => ReferenceEquals(x.Target, y.Target) && x.Word == y.Word;

        public int GetHashCode((object Target, int Word) key) => HashCode.Combine(RuntimeHelpers.GetHashCode(key.Target), key.Word);
    }
}

/// <summary>Who is reading (the operation and where warnings go), handed to the resolver's callbacks through <see cref="Current"/> (or the serializer's context, for error bodies read as text).</summary>
internal sealed record ResponseReading(string Operation, ILogger? Logger, bool Strict)
{
    public static readonly HttpRequestOptionsKey<ResponseReading> Option = new("TeamUp.ResponseReading");

    /// <summary>
    /// Who is reading on this thread right now (set around a synchronous deserialization by <see cref="TeamUpJson.ReadResponse{T}"/>),
    /// so that one shared serializer serves every answer.
    /// </summary>
    [ThreadStatic]
    internal static ResponseReading? Current;
}

/// <summary>
/// What a caller can ask about an object TeamUp sent: which of the properties the spec calls required it did not carry.
/// The SDK reads answers tolerantly by default (<see cref="TeamUpClientOptions.StrictResponses"/>): one invoice with a
/// <c>null</c> payer does not fail a page of a hundred, but its broken promise is not hidden either.
/// </summary>
public static class TeamUpContract
{
    private static readonly ConditionalWeakTable<object, IReadOnlyList<string>> Broken = new();

    /// <summary>
    /// The JSON names of the required properties <paramref name="model"/> arrived without (absent, or null where the spec
    /// does not allow null); empty for an object that kept the spec's promises, or one not read by the SDK. Such a property
    /// holds its type's default (<see langword="null"/>, 0, <c>0001-01-01</c>) whatever its C# type says. Only this object's
    /// own properties are listed: ask nested objects (a line item, an expanded payer) themselves.
    /// </summary>
    /// <param name="model">An object from a TeamUp answer.</param>
    public static IReadOnlyList<string> MissingRequiredFields(object model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Broken.TryGetValue(model, out var fields) ? fields : [];
    }

    /// <summary>Whether <paramref name="model"/> kept every promise of the spec (see <see cref="MissingRequiredFields"/>).</summary>
    /// <param name="model">An object from a TeamUp answer.</param>
    public static bool IsComplete(object model) => MissingRequiredFields(model).Count == 0;

    internal static void Record(object model, List<string> fields) => Broken.AddOrUpdate(model, fields.AsReadOnly());
}
