using System.Text.Json;
using System.Text.Json.Nodes;

namespace TeamUp.Sandbox;

/// <summary>Orders report cells: nulls first, money by amount, numbers numerically, strings ordinally.</summary>
internal sealed class JsonValueComparer : IComparer<JsonNode?>
{
    public static readonly JsonValueComparer Instance = new();

    public int Compare(JsonNode? x, JsonNode? y)
    {
        if (x is null || y is null) return (x is null ? 0 : 1) - (y is null ? 0 : 1);
        if (x is JsonObject xo && y is JsonObject yo && xo["decimal"] is { } xd && yo["decimal"] is { } yd)
            return Number(xd).CompareTo(Number(yd));
        if (x is JsonValue xv && y is JsonValue yv)
        {
            var xk = xv.GetValueKind();
            var yk = yv.GetValueKind();
            if (xk == JsonValueKind.Number && yk == JsonValueKind.Number) return Number(xv).CompareTo(Number(yv));
            if (xk is JsonValueKind.True or JsonValueKind.False && yk is JsonValueKind.True or JsonValueKind.False)
                return (xk == JsonValueKind.True).CompareTo(yk == JsonValueKind.True);
            if (xk == JsonValueKind.String && yk == JsonValueKind.String) return string.CompareOrdinal(xv.GetValue<string>(), yv.GetValue<string>());
        }

        return string.CompareOrdinal(x.ToJsonString(), y.ToJsonString());
    }

    private static decimal Number(JsonNode node) => decimal.Parse(node.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
}
