using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit.Sdk;

namespace TeamUp.Generated.Tests.Infrastructure;

/// <summary>Compares JSON documents as data: dates stay text, and 45 equals 45.0.</summary>
public static class JsonAssert
{
    public static JToken Parse(string json)
    {
        using var reader = new JsonTextReader(new StringReader(json))
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Decimal,
        };
        return Normalize(JToken.Load(reader));
    }

    // 45 and 45.0 are the same amount; compare them as decimals with trailing zeros dropped.
    private static JToken Normalize(JToken token)
    {
        foreach (var value in token.DescendantsAndSelfValues())
        {
            if (value.Type is JTokenType.Integer or JTokenType.Float)
            {
                value.Value = decimal.Parse(value.ToString(Formatting.None), System.Globalization.CultureInfo.InvariantCulture) / 1.000000000000000000000000000000000m;
            }
        }
        return token;
    }

    private static IEnumerable<JValue> DescendantsAndSelfValues(this JToken token) =>
        token is JValue self ? [self] : ((JContainer)token).Descendants().OfType<JValue>().ToList();

    public static void Equivalent(string expected, string actual)
    {
        var left = Parse(expected);
        var right = Parse(actual);
        if (!JToken.DeepEquals(left, right))
        {
            throw new XunitException("JSON differs:\n" + Snapshot.Diff(left.ToString(), right.ToString()));
        }
    }
}
