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

    /// <summary>
    /// Reads a successful answer's body as <typeparamref name="T"/> with the settings <see cref="ForResponse"/> would pick,
    /// through serializers built once per settings (a serializer per answer cost every call its settings copied twice) and
    /// pooled character buffers. Who reads (operation, logger) reaches the tolerant resolver's callbacks through
    /// <see cref="ResponseReading.Current"/> for the duration of this synchronous read, not through a per-answer settings copy.
    /// </summary>
    internal static T? ReadResponse<T>(HttpResponseMessage response, JsonSerializerSettings settings, Stream body)
    {
        var reading = response.RequestMessage?.Options.TryGetValue(ResponseReading.Option, out var found) == true ? found : null;
        var variants = Serializers.GetValue(settings, static strict => new SerializerVariants(strict));
        var serializer = AsksForFields(response.RequestMessage?.RequestUri) ? variants.Sparse
            : reading?.Strict == true ? variants.Strict
            : variants.Tolerant;
        // 512 bytes at a time: API answers arrive buffered in memory, so a smaller read buffer costs copies, not waits.
        using var text = new StreamReader(body, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 512);
        using var json = new JsonTextReader(text) { ArrayPool = PooledChars.Instance, CloseInput = false };
        var previous = ResponseReading.Current;
        ResponseReading.Current = reading ?? new ResponseReading(TeamUpOperation.Of(response.RequestMessage) ?? "TeamUp", null, false);
        try
        {
            return serializer.Deserialize<T>(json);
        }
        finally
        {
            ResponseReading.Current = previous;
        }
    }

    private static readonly ConditionalWeakTable<JsonSerializerSettings, SerializerVariants> Serializers = new();

    // Newtonsoft's serializer is safe to share between threads once configured; nothing here changes one after creation.
    private sealed class SerializerVariants(JsonSerializerSettings strict)
    {
        public JsonSerializer Strict { get; } = JsonSerializer.Create(strict);

        public JsonSerializer Tolerant { get; } = JsonSerializer.Create(TolerantVariants.GetValue(strict, CreateTolerant));

        public JsonSerializer Sparse { get; } = JsonSerializer.Create(SparseVariants.GetValue(strict, CreateSparse));
    }

    private sealed class PooledChars : IArrayPool<char>
    {
        public static readonly PooledChars Instance = new();

        public char[] Rent(int minimumLength) => System.Buffers.ArrayPool<char>.Shared.Rent(minimumLength);

        public void Return(char[]? array)
        {
            if (array is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(array);
            }
        }
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
