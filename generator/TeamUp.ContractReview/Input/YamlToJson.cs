using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TeamUp.ContractReview.Input;

/// <summary>
/// Turns YAML into JSON because the only OpenAPI reader that works on this package mirror
/// reads JSON (NSWAG-NOTES §6). Records where each JSON pointer came from so that later
/// errors about the document can still point at a YAML line.
/// </summary>
internal static partial class YamlToJson
{
    public static (JsonNode? Json, Dictionary<string, int> Lines) Convert(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new SpecReadException(source, e.InnerException?.Message ?? e.Message, (int)e.Start.Line, (int)e.Start.Column);
        }
        if (stream.Documents.Count == 0)
            throw new SpecReadException(source, "the file is empty");
        var lines = new Dictionary<string, int>();
        return (ToNode(stream.Documents[0].RootNode, "", lines, source), lines);
    }

    private static JsonNode? ToNode(YamlNode node, string pointer, Dictionary<string, int> lines, string source)
    {
        lines[pointer] = (int)node.Start.Line;
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in map.Children)
                {
                    // YamlDotNet already refuses duplicate keys, with their line.
                    var key = (keyNode as YamlScalarNode)?.Value
                        ?? throw new SpecReadException(source, "a mapping key must be a plain value", (int)keyNode.Start.Line, (int)keyNode.Start.Column);
                    obj[key] = ToNode(valueNode, pointer + "/" + Escape(key), lines, source);
                }
                return obj;
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                var i = 0;
                foreach (var item in seq.Children)
                    arr.Add(ToNode(item, pointer + "/" + i++, lines, source));
                return arr;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new SpecReadException(source, $"unsupported YAML node {node.NodeType}", (int)node.Start.Line, (int)node.Start.Column);
        }
    }

    // YAML 1.2 core schema: only plain scalars carry types; quoted ones are always strings.
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
            return JsonValue.Create(value);
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return JsonValue.Create(l);
        if (Number().IsMatch(value))
        {
            if (decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var big)) return JsonValue.Create(big);
        }
        return JsonValue.Create(value);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")]
    private static partial System.Text.RegularExpressions.Regex Number();

    private static string Escape(string key) => key.Replace("~", "~0").Replace("/", "~1");
}
