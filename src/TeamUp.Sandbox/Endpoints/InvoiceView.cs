using System.Text.Json.Nodes;

namespace TeamUp.Sandbox;

/// <summary>
/// Which invoice fields to render. Without <c>fields</c>, every non-deferred field; with it, exactly the listed ones
/// (dot-notation narrows nested objects). Deferred fields appear only when <c>fields</c> or <c>expand</c> names them.
/// </summary>
internal sealed class InvoiceView
{
    public static readonly string[] PlainFields =
        ["id", "object", "status", "due_date", "created_at", "is_credit_note", "total_amount_due", "payer", "legacy_invoice_key"];

    public static readonly string[] DeferredFields = ["charges", "line_items", "discounts", "adjustments", "applied_credits", "taxes", "credit_notes"];

    public static readonly string[] Expandable =
        ["payer", "charges.payment_processor", "line_items.billed_item", "discounts.discount_code", "taxes.purchase_fee"];

    private static readonly Dictionary<string, string[]> NestedFields = new()
    {
        ["charges"] = ["id", "object", "payment_processor"],
        ["line_items"] = ["id", "object", "billed_item", "type", "price", "total_amount_due"],
        ["discounts"] = ["id", "object", "discount_code", "amount"],
        ["adjustments"] = ["id", "object", "amount"],
        ["applied_credits"] = ["id", "object", "amount"],
        ["taxes"] = ["id", "object", "amount", "purchase_fee"],
        ["total_amount_due"] = ["decimal", "string", "iso_currency_code", "currency_symbol", "currency_symbol_position"],
    };

    private readonly HashSet<string>? _fields;
    private readonly Dictionary<string, HashSet<string>> _nested = [];
    private readonly HashSet<string> _expand;

    private InvoiceView(HashSet<string>? fields, HashSet<string> expand)
    {
        _fields = fields;
        _expand = expand;
    }

    public static InvoiceView Parse(ParamBag p)
    {
        var expand = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in p.GetList("expand") ?? [])
        {
            if (!Expandable.Contains(e) && !DeferredFields.Contains(e))
                throw ApiError.Invalid("expand", $"\"{e}\" cannot be expanded; expandable fields are {string.Join(", ", Expandable)}.");
            expand.Add(e);
        }

        var list = p.GetList("fields");
        if (list is null) return new InvoiceView(null, expand);

        var view = new InvoiceView(new HashSet<string>(StringComparer.Ordinal), expand);
        foreach (var f in list)
        {
            var dot = f.IndexOf('.');
            var top = dot < 0 ? f : f[..dot];
            if (!PlainFields.Contains(top) && !DeferredFields.Contains(top))
                throw ApiError.Invalid("fields", $"\"{f}\" is not a field of an invoice.");
            view._fields!.Add(top);
            if (dot < 0) continue;
            var sub = f[(dot + 1)..];
            if (!NestedFields.TryGetValue(top, out var allowed) || !allowed.Contains(sub))
                throw ApiError.Invalid("fields", $"\"{f}\" is not a field of an invoice.");
            if (!view._nested.TryGetValue(top, out var set)) view._nested[top] = set = new HashSet<string>(StringComparer.Ordinal);
            set.Add(sub);
        }

        return view;
    }

    public bool Expands(string path) => _expand.Contains(path);

    public bool Includes(string field)
    {
        var expanded = _expand.Contains(field) || _expand.Any(e => e.StartsWith(field + ".", StringComparison.Ordinal));
        if (_fields is null) return !DeferredFields.Contains(field) || expanded;
        return _fields.Contains(field) || expanded && DeferredFields.Contains(field);
    }

    /// <summary>Drops nested properties that <c>fields</c> did not select (e.g. <c>line_items.price</c>).</summary>
    public JsonNode Narrow(string field, JsonNode node)
    {
        if (!_nested.TryGetValue(field, out var keep)) return node;
        foreach (var obj in node is JsonArray arr ? arr.OfType<JsonObject>() : node is JsonObject o ? [o] : [])
            foreach (var key in obj.Select(kv => kv.Key).ToList())
                if (!keep.Contains(key)) obj.Remove(key);
        return node;
    }
}
