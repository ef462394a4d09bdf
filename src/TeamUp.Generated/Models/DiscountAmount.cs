using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace TeamUp.Generated;

/// <summary>
/// A discount code's amount: a <see cref="TeamUp.Generated.Money"/> for flat discounts, a plain number (the percentage)
/// for percent discounts. The spec says <c>anyOf [Money, number]</c>, which NSwag cannot map, so this type
/// stands in for the generated one.
/// </summary>
[JsonConverter(typeof(DiscountAmountConverter))]
public sealed class DiscountAmount
{
    /// <summary>A flat discount.</summary>
    /// <param name="flat">The amount taken off.</param>
    public DiscountAmount(Money flat) => Flat = flat ?? throw new ArgumentNullException(nameof(flat));

    /// <summary>A percent discount.</summary>
    /// <param name="percent">The percentage taken off, e.g. <c>12.5</c>.</param>
    public DiscountAmount(decimal percent) => Percent = percent;

    /// <summary>The amount taken off, for a flat discount.</summary>
    public Money? Flat { get; }

    /// <summary>The percentage taken off, for a percent discount.</summary>
    public decimal? Percent { get; }

    /// <summary>Whether this is a percent discount.</summary>
    public bool IsPercent => Percent is not null;

    /// <inheritdoc />
    public override string ToString() =>
        Flat?.ToString() ?? Percent!.Value.ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private sealed class DiscountAmountConverter : JsonConverter<DiscountAmount>
    {
        public override DiscountAmount? ReadJson(JsonReader reader, Type objectType, DiscountAmount? existingValue, bool hasExistingValue, JsonSerializer serializer) =>
            reader.TokenType switch
            {
                JsonToken.Null => null,
                JsonToken.Integer or JsonToken.Float => new DiscountAmount(Convert.ToDecimal(reader.Value, CultureInfo.InvariantCulture)),
                JsonToken.String when decimal.TryParse((string)reader.Value!, NumberStyles.Number, CultureInfo.InvariantCulture, out var percent) => new DiscountAmount(percent),
                JsonToken.StartObject => new DiscountAmount(JObject.Load(reader).ToObject<Money>(serializer)!),
                _ => throw new JsonSerializationException($"Expected a money object or a number at '{reader.Path}' but found {reader.TokenType}."),
            };

        public override void WriteJson(JsonWriter writer, DiscountAmount? value, JsonSerializer serializer)
        {
            if (value is null)
            {
                writer.WriteNull();
            }
            else if (value.Flat is not null)
            {
                serializer.Serialize(writer, value.Flat);
            }
            else
            {
                writer.WriteValue(value.Percent!.Value);
            }
        }
    }
}
