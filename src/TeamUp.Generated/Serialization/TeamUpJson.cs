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
    internal static JsonSerializerSettings ForResponse(HttpResponseMessage response, JsonSerializerSettings settings) =>
        AsksForFields(response.RequestMessage?.RequestUri) ? SparseVariants.GetValue(settings, CreateSparse) : settings;

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

    /// <summary>Reads a TeamUp payload.</summary>
    /// <typeparam name="T">The generated model.</typeparam>
    /// <param name="json">The JSON text.</param>
    public static T? Deserialize<T>(string json) => JsonConvert.DeserializeObject<T>(json, Shared);

    /// <summary>Writes a model the way TeamUp would.</summary>
    /// <param name="value">The model.</param>
    /// <param name="indented">Whether to indent.</param>
    public static string Serialize(object? value, bool indented = false) =>
        JsonConvert.SerializeObject(value, indented ? Formatting.Indented : Formatting.None, Shared);
}
