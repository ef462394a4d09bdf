using System.Runtime.CompilerServices;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace TeamUp.Generated.Serialization;

/// <summary>
/// The JSON settings every client uses, public so that callers who store or replay TeamUp payloads read and
/// write them exactly as the SDK does.
/// </summary>
public static class TeamUpJson
{
    // Shared by Deserialize/Serialize; never handed out, so nobody can change it under another caller.
    private static readonly JsonSerializerSettings Shared = CreateSettings();

    /// <summary>Settings for reading and writing TeamUp payloads.</summary>
    public static JsonSerializerSettings CreateSettings()
    {
        var settings = new JsonSerializerSettings();
        Configure(settings);
        return settings;
    }

    /// <summary>Applies the SDK's choices to existing settings.</summary>
    /// <param name="settings">Settings to change.</param>
    public static void Configure(JsonSerializerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Unknown fields land in AdditionalProperties as JTokens; left as strings and decimals they are written
        // back byte-for-byte instead of being re-formatted as DateTime or rounded through double.
        settings.DateParseHandling = DateParseHandling.None;
        settings.FloatParseHandling = FloatParseHandling.Decimal;
        settings.MissingMemberHandling = MissingMemberHandling.Ignore;
    }

    /// <summary>
    /// The settings to read <paramref name="response"/> with. A request that named its <c>fields</c> gets only those
    /// back, so the spec's required properties may be missing: such a response is read without the required checks
    /// (properties it does not carry keep their defaults and mean nothing). Anything else is read strictly.
    /// </summary>
    internal static JsonSerializerSettings ForResponse(HttpResponseMessage response, JsonSerializerSettings settings)
    {
        if (AsksForFields(response.RequestMessage?.RequestUri))
        {
            return SparseVariants.GetValue(settings, CreateSparse);
        }
        var reading = response.RequestMessage?.Options.TryGetValue(ResponseReading.Option, out var found) == true ? found : null;
        if (reading?.Strict == true)
        {
            return settings;
        }
        // Tolerant (the default): a fresh settings object per answer only to carry who reads it to the resolver's callbacks.
        // Newtonsoft's only way to hand state to contract callbacks is its StreamingContext (obsolete for formatters, not for this).
#pragma warning disable SYSLIB0050
        return new JsonSerializerSettings(TolerantVariants.GetValue(settings, CreateTolerant))
        {
            Context = new System.Runtime.Serialization.StreamingContext(System.Runtime.Serialization.StreamingContextStates.Other,
                reading ?? new ResponseReading(TeamUpOperation.Of(response.RequestMessage) ?? "TeamUp", null, false)),
        };
#pragma warning restore SYSLIB0050
    }

    private static readonly ConditionalWeakTable<JsonSerializerSettings, JsonSerializerSettings> TolerantVariants = new();

    private static JsonSerializerSettings CreateTolerant(JsonSerializerSettings strict) =>
        new(strict) { ContractResolver = TolerantContractResolver.Instance };

    private static readonly ConditionalWeakTable<JsonSerializerSettings, JsonSerializerSettings> SparseVariants = new();

    private static JsonSerializerSettings CreateSparse(JsonSerializerSettings strict) =>
        new(strict) { ContractResolver = SparseFieldsetContractResolver.Instance };

    private static bool AsksForFields(Uri? uri) =>
        uri is not null && uri.IsAbsoluteUri && ("&" + uri.Query.TrimStart('?')).Contains("&fields=", StringComparison.Ordinal);

    private sealed class SparseFieldsetContractResolver : DefaultContractResolver
    {
        public static readonly SparseFieldsetContractResolver Instance = new();

        protected override JsonProperty CreateProperty(System.Reflection.MemberInfo member, MemberSerialization memberSerialization)
        {
            var property = base.CreateProperty(member, memberSerialization);
            property.Required = Required.Default;
            return property;
        }
    }

    private static readonly JsonSerializerSettings SharedTolerant = new(Shared) { ContractResolver = TolerantContractResolver.Instance };

    /// <summary>
    /// Reads a TeamUp payload as the client does by default: an object without a required property is returned, the
    /// property at its default, and listed by <see cref="TeamUpContract.MissingRequiredFields"/>.
    /// </summary>
    /// <typeparam name="T">The generated model.</typeparam>
    /// <param name="json">The JSON text.</param>
    public static T? Deserialize<T>(string json) => JsonConvert.DeserializeObject<T>(json, SharedTolerant);

    /// <summary>Reads a TeamUp payload; <paramref name="strict"/> makes a missing required property throw a <see cref="JsonSerializationException"/>.</summary>
    /// <typeparam name="T">The generated model.</typeparam>
    /// <param name="json">The JSON text.</param>
    /// <param name="strict">Whether the spec's required properties must be there.</param>
    public static T? Deserialize<T>(string json, bool strict) => JsonConvert.DeserializeObject<T>(json, strict ? Shared : SharedTolerant);

    /// <summary>Writes a model the way TeamUp would.</summary>
    /// <param name="value">The model.</param>
    /// <param name="indented">Whether to indent.</param>
    public static string Serialize(object? value, bool indented = false) =>
        JsonConvert.SerializeObject(value, indented ? Formatting.Indented : Formatting.None, Shared);
}
