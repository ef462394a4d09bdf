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

    // 45 and 45.0 are the same amount, and ...Z the same moment as ...+00:00 (the offset itself must survive).
    private static JToken Normalize(JToken token)
    {
        foreach (var value in token.DescendantsAndSelfValues())
        {
            if (value.Type is JTokenType.Integer or JTokenType.Float)
            {
                value.Value = decimal.Parse(value.ToString(Formatting.None), System.Globalization.CultureInfo.InvariantCulture) / 1.000000000000000000000000000000000m;
            }
            else if (value.Type == JTokenType.String && value.Value is string text && text.Length > 19 && text[10] == 'T'
                && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var moment))
            {
                value.Value = moment.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture);
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
