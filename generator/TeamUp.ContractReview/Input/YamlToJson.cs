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
    /// <summary>How deep mappings and sequences may nest. Real specs stay far below; the YAML reader recurses per level.</summary>
    public const int MaxDepth = 200;

    /// <summary>How many values the JSON may hold once aliases are expanded (a "billion laughs" file grows past it at once).</summary>
    public const int MaxNodes = 250_000;

    public static (JsonNode? Json, Dictionary<string, int> Lines) Convert(string text, string source)
    {
        // A pull request's spec must not take the CI runner down: nesting is measured with the event parser (no
        // recursion) before the recursive representation model ever sees the file.
        CheckDepth(text, source);
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
        var budget = new Budget(source);
        return (ToNode(stream.Documents[0].RootNode, "", lines, source, budget, 0), lines);
    }

    private static void CheckDepth(string text, string source)
    {
        try
        {
            var parser = new Parser(new StringReader(text));
            var depth = 0;
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                        if (++depth > MaxDepth)
                            throw new SpecReadException(source, $"nested more than {MaxDepth} levels deep", (int)parser.Current.Start.Line, (int)parser.Current.Start.Column);
                        break;
                    case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                        depth--;
                        break;
                }
            }
        }
        catch (YamlException)
        {
            // Syntax errors are reported by the full load below, with the same position.
        }
    }

    /// <summary>Counts the values produced, and the aliases being expanded, so that neither can grow without bound.</summary>
    private sealed class Budget(string source)
    {
        private int _nodes;

        public HashSet<YamlNode> Expanding { get; } = new(ReferenceEqualityComparer.Instance);

        public void Spend(YamlNode node)
        {
            if (++_nodes > MaxNodes)
                throw new SpecReadException(source, $"the document expands to more than {MaxNodes:N0} values (nested YAML aliases?)", (int)node.Start.Line, (int)node.Start.Column);
        }
    }

    private static JsonNode? ToNode(YamlNode node, string pointer, Dictionary<string, int> lines, string source, Budget budget, int depth)
    {
        budget.Spend(node);
        if (depth > MaxDepth)
            throw new SpecReadException(source, $"nested more than {MaxDepth} levels deep (through YAML aliases)", (int)node.Start.Line, (int)node.Start.Column);
        // An alias is the same node object as its anchor: meeting a node again on the way down is an alias inside itself.
        if (node is not YamlScalarNode && !budget.Expanding.Add(node))
            throw new SpecReadException(source, "a YAML alias refers to a node that contains it (an endless document)", (int)node.Start.Line, (int)node.Start.Column);
        try
        {
            return ToNodeCore(node, pointer, lines, source, budget, depth);
        }
        finally
        {
            if (node is not YamlScalarNode)
                budget.Expanding.Remove(node);
        }
    }

    private static JsonNode? ToNodeCore(YamlNode node, string pointer, Dictionary<string, int> lines, string source, Budget budget, int depth)
    {
        // Pointers through expanded aliases can be many; only the first time a node is met does its line matter.
        if (lines.Count < MaxNodes / 5)
            lines.TryAdd(pointer, (int)node.Start.Line);
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in map.Children)
                {
                    // YamlDotNet already refuses duplicate keys, with their line.
                    var key = (keyNode as YamlScalarNode)?.Value
                        ?? throw new SpecReadException(source, "a mapping key must be a plain value", (int)keyNode.Start.Line, (int)keyNode.Start.Column);
                    obj[key] = ToNode(valueNode, pointer + "/" + Escape(key), lines, source, budget, depth + 1);
                }
                return obj;
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                var i = 0;
                foreach (var item in seq.Children)
                    arr.Add(ToNode(item, pointer + "/" + i++, lines, source, budget, depth + 1));
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
