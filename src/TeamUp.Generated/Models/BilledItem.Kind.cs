using Newtonsoft.Json;
using TeamUp.Generated.Serialization;

namespace TeamUp.Generated;

public partial class BilledItem
{
    private string? _type;

    /// <summary>
    /// The kind of billed item as TeamUp names it (<c>billed_membership</c>, <c>billed_store_product</c>, ...).
    /// A kind this SDK does not know yet reads as a plain <see cref="BilledItem"/> with its kind kept here.
    /// </summary>
    [JsonProperty("type", Required = Required.DisallowNull, NullValueHandling = NullValueHandling.Ignore)]
    public string Type
    {
        get => _type ?? DiscriminatorConverter.KindOf(GetType()) ?? string.Empty;
        set => _type = value;
    }

    /// <summary>Whether the spec lists this kind (it has a subtype of its own).</summary>
    [JsonIgnore]
    public bool IsKnownKind => GetType() != typeof(BilledItem);
}
