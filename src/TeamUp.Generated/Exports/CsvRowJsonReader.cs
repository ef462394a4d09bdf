using Newtonsoft.Json;

namespace TeamUp.Generated;

/// <summary>
/// Hands a CSV record to the typed row reader (<see cref="TypedRowReader"/>) as the token stream of the JSON row that
/// <see cref="ExportFileReader.ToJsonRow"/> would build from it (dotted keys nested, empty cells null, other cells as
/// strings), without building that row: the shape is worked out once from the header, then each record only walks it.
/// A record with a cell that holds JSON (starts with <c>{</c> or <c>[</c>) has a shape of its own and is not read here.
/// </summary>
internal sealed class CsvRowJsonReader : JsonReader
{
    private readonly Step[] _steps;
    private string[] _cells;
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

    /// <summary>Starts over on the next record of the same header (one reader per file, not per record).</summary>
    /// <remarks>Only after the previous record was read to its end: the base reader's state is then back at the top.</remarks>
    public CsvRowJsonReader Over(string[] cells)
    {
        _cells = cells;
        _next = 0;
        SetToken(JsonToken.None);
        return this;
    }

    /// <summary>
    /// A plain date (<c>yyyy-MM-dd</c>, as TeamUp writes a date-only cell) read as the base reader reads it — no
    /// offset in the text, so midnight at the local offset of that day, as <c>DateTimeOffset.TryParse</c> makes it
    /// (the ISO parser only takes text with a time) — without the culture-aware parse; any other cell as the base reads it.
    /// </summary>
    public override DateTimeOffset? ReadAsDateTimeOffset()
    {
        if (_next < _steps.Length && _steps[_next] is { Token: JsonToken.String } step && PlainDate(_cells[step.Column]) is { } date)
        {
            _next++;
            var value = new DateTimeOffset(date);
            SetToken(JsonToken.Date, value, updateIndex: true);
            return value;
        }
        return base.ReadAsDateTimeOffset();
    }

    private static DateTime? PlainDate(string cell)
    {
        if (cell.Length != 10 || cell[4] != '-' || cell[7] != '-')
        {
            return null;
        }
        var year = TypedRowReader.Digits(cell, 0, 4);
        var month = TypedRowReader.Digits(cell, 5, 2);
        var day = TypedRowReader.Digits(cell, 8, 2);
        // Years 1 and 9999 are left to the base: an offset can push them out of range, which it reports.
        if (year is < 2 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return null;
        }
        return new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified);
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

        /// <summary>A reader over one record; <see cref="CsvRowJsonReader.Over"/> moves it to the next.</summary>
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
