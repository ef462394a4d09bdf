using Newtonsoft.Json;

namespace TeamUp.Generated;

/// <summary>
/// Hands a CSV record to the JSON serializer as the token stream of the JSON row that
/// <see cref="ExportFileReader.ToJsonRow"/> would build from it (dotted keys nested, empty cells null, other cells as
/// strings), without building that row: the shape is worked out once from the header, then each record only walks it.
/// A record with a cell that holds JSON (starts with <c>{</c> or <c>[</c>) has a shape of its own and is not read here.
/// </summary>
internal sealed class CsvRowJsonReader : JsonReader
{
    private readonly Step[] _steps;
    private readonly string[] _cells;
    private int _next;

    private CsvRowJsonReader(Step[] steps, string[] cells)
    {
        _steps = steps;
        _cells = cells;
        // What the serializer would set on the reader for the duration of a row (TeamUpJson's settings).
        DateParseHandling = DateParseHandling.None;
        FloatParseHandling = FloatParseHandling.Decimal;
    }

    /// <summary>The walk for records under these column keys.</summary>
    public static Shape ShapeOf(string[] columnKeys)
    {
        // The same rules as ToJsonRow for text cells: an object replaces a text value at the same key (in place), a
        // text value never replaces an object, a repeated key keeps its first position and its last cell.
        var root = new Node();
        for (var i = 0; i < columnKeys.Length; i++)
        {
            var path = columnKeys[i].Split('.');
            var parent = root;
            for (var depth = 0; depth < path.Length - 1; depth++)
            {
                var index = parent.IndexOf(path[depth]);
                if (index < 0)
                {
                    var child = new Node();
                    parent.Members.Add((path[depth], child, -1));
                    parent = child;
                }
                else if (parent.Members[index].Child is { } existing)
                {
                    parent = existing;
                }
                else
                {
                    var child = new Node();
                    parent.Members[index] = (path[depth], child, -1);
                    parent = child;
                }
            }
            var leaf = parent.IndexOf(path[^1]);
            if (leaf < 0)
            {
                parent.Members.Add((path[^1], null, i));
            }
            else if (parent.Members[leaf].Child is null)
            {
                parent.Members[leaf] = (path[^1], null, i);
            }
        }
        var steps = new List<Step>();
        root.Walk(steps);
        return new Shape(steps.ToArray(), columnKeys.Length);
    }

    /// <summary>Whether a record can be read through the shape: a full record, no cell holding JSON.</summary>
    public static bool IsPlain(Shape shape, string[] cells)
    {
        if (cells.Length != shape.Columns)
        {
            return false;
        }
        foreach (var cell in cells)
        {
            if (cell.Length > 0 && cell[0] is '{' or '[')
            {
                return false;
            }
        }
        return true;
    }

    public override bool Read()
    {
        if (_next >= _steps.Length)
        {
            SetToken(JsonToken.None);
            return false;
        }
        var step = _steps[_next++];
        switch (step.Token)
        {
            case JsonToken.PropertyName:
                SetToken(JsonToken.PropertyName, step.Name);
                break;
            case JsonToken.String:
                var cell = _cells[step.Column];
                if (cell.Length == 0)
                {
                    SetToken(JsonToken.Null);
                }
                else
                {
                    SetToken(JsonToken.String, cell);
                }
                break;
            default:
                SetToken(step.Token);
                break;
        }
        return true;
    }

    /// <summary>The walk worked out from a header.</summary>
    internal sealed class Shape(Step[] steps, int columns)
    {
        public int Columns { get; } = columns;

        /// <summary>A reader over one record (the reader is cheap; the serializer reads it once).</summary>
        public CsvRowJsonReader Over(string[] cells) => new(steps, cells);
    }

    internal readonly record struct Step(JsonToken Token, string? Name, int Column);

    private sealed class Node
    {
        public List<(string Name, Node? Child, int Column)> Members { get; } = [];

        public int IndexOf(string name) => Members.FindIndex(m => m.Name == name);

        public void Walk(List<Step> steps)
        {
            steps.Add(new Step(JsonToken.StartObject, null, -1));
            foreach (var (name, child, column) in Members)
            {
                steps.Add(new Step(JsonToken.PropertyName, name, -1));
                if (child is not null)
                {
                    child.Walk(steps);
                }
                else
                {
                    steps.Add(new Step(JsonToken.String, null, column));
                }
            }
            steps.Add(new Step(JsonToken.EndObject, null, -1));
        }
    }
}
