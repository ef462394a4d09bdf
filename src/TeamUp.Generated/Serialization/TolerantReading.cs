using System.Runtime.CompilerServices;
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

    // The property names set so far on each object being read (keyed by the object: converters that Populate an object
    // skip its OnDeserializing callback, so a stack pushed there would fall out of step). One graph is read on one thread.
    [ThreadStatic]
    private static Dictionary<object, HashSet<string>>? _reading;

    protected override JsonObjectContract CreateObjectContract(Type objectType)
    {
        var contract = base.CreateObjectContract(objectType);
        var promised = contract.Properties
            .Where(p => p.Required != Required.Default && !p.Ignored && p.Writable && p.PropertyName is not null)
            .Select(p => new Promise(p.PropertyName!, p.Required))
            .ToArray();
        if (promised.Length == 0)
        {
            return contract;
        }
        foreach (var property in contract.Properties.Where(p => p.Required != Required.Default && !p.Ignored && p.Writable))
        {
            property.Required = Required.Default;
            property.ValueProvider = new Recording(property.ValueProvider!, property.PropertyName!);
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
        HashSet<string>? present = null;
        _reading?.Remove(target, out present);
        List<string>? broken = null;
        foreach (var promise in promised)
        {
            var property = contract.Properties.GetClosestMatchProperty(promise.Name);
            var value = property?.ValueProvider?.GetValue(target);
            var wasPresent = present?.Contains(promise.Name) ?? false;
            var isBroken = promise.Required switch
            {
                Required.Always => !wasPresent || value is null,
                Required.AllowNull => !wasPresent,
                Required.DisallowNull => wasPresent && value is null,
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

    private sealed record Promise(string Name, Required Required);

    private sealed class Recording(IValueProvider inner, string name) : IValueProvider
    {
        public void SetValue(object target, object? value)
        {
            var reading = _reading ??= new Dictionary<object, HashSet<string>>(ReferenceEqualityComparer.Instance);
            if (!reading.TryGetValue(target, out var present))
            {
                if (reading.Count > 10_000)
                {
                    reading.Clear(); // left over from reads that failed midway; nothing in progress is this deep
                }
                reading[target] = present = new HashSet<string>(StringComparer.Ordinal);
            }
            present.Add(name);
            inner.SetValue(target, value);
        }

        public object? GetValue(object target) => inner.GetValue(target);
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
