using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TeamUp.Sandbox;

/// <summary>
/// Request parameters from a query string, a JSON body or a form body, seen the same way: arrays may come
/// comma-separated (<c>status=paid,open</c>), as repeated keys, as <c>key[]</c>, or as JSON arrays.
/// </summary>
internal sealed class ParamBag
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public static ParamBag FromQuery(IQueryCollection query)
    {
        var bag = new ParamBag();
        foreach (var (key, values) in query)
            foreach (var v in values)
                if (v is not null) bag.Add(key, v);
        return bag;
    }

    /// <summary>The largest request body the sandbox reads; a bigger one is answered 413, as TeamUp's front end would.</summary>
    public const long MaxBodyBytes = 1 << 20;

    public static async Task<ParamBag> FromBodyAsync(HttpRequest request)
    {
        var bag = FromQuery(request.Query);
        if (request.ContentLength > MaxBodyBytes)
            throw TooLarge();
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxBodyBytes; // a chunked body without a length is cut off at the same size
        try
        {
            return await ReadBodyAsync(request, bag);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge();
        }
    }

    private static ApiError TooLarge() =>
        new(StatusCodes.Status413PayloadTooLarge, "request_too_large", $"The request body is larger than {MaxBodyBytes / 1024} KiB.");

    private static async Task<ParamBag> ReadBodyAsync(HttpRequest request, ParamBag bag)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            foreach (var (key, values) in form)
                foreach (var v in values)
                    if (v is not null) bag.Add(key, v);
            return bag;
        }

        if (request.ContentLength == 0) return bag;
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException e)
        {
            throw new ApiError(StatusCodes.Status400BadRequest, "parse_error", $"JSON parse error - {e.Message}");
        }

        using (doc)
        {
            // A JSON null is not an empty request: TeamUp requires the body (an object naming the columns).
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ApiError(StatusCodes.Status400BadRequest, "parse_error", "The request body must be a JSON object.");
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Value.ValueKind == JsonValueKind.Array)
                {
                    bag._values.TryAdd(prop.Name, []);
                    foreach (var item in prop.Value.EnumerateArray()) bag.Add(prop.Name, Scalar(item));
                }
                else if (prop.Value.ValueKind != JsonValueKind.Null)
                {
                    bag.Add(prop.Name, Scalar(prop.Value));
                }
            }
        }

        return bag;
    }

    private static string Scalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => e.GetRawText(),
    };

    private void Add(string key, string value)
    {
        if (key.EndsWith("[]", StringComparison.Ordinal)) key = key[..^2];
        if (!_values.TryGetValue(key, out var list)) _values[key] = list = [];
        list.Add(value);
    }

    public bool Has(string key) => _values.ContainsKey(key);

    /// <summary>The single value of a scalar parameter; the last one wins when repeated.</summary>
    public string? Get(string key) => _values.TryGetValue(key, out var list) && list.Count > 0 ? list[^1] : null;

    /// <summary>All items of an array parameter, comma-split and trimmed; null when the parameter is absent.</summary>
    public List<string>? GetList(string key) =>
        _values.TryGetValue(key, out var list)
            ? list.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList()
            : null;

    public int? GetInt(string key, int? min = null, int? max = null)
    {
        var raw = Get(key);
        if (raw is null) return null;
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw ApiError.Invalid(key, $"A valid integer is required, got '{raw}'.");
        if (value < min) throw ApiError.Invalid(key, $"Ensure this value is greater than or equal to {min}.");
        if (value > max) throw ApiError.Invalid(key, $"Ensure this value is less than or equal to {max}.");
        return value;
    }

    public List<int>? GetIntList(string key) =>
        GetList(key)?.Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
            ? i
            : throw ApiError.Invalid(key, $"A valid integer is required, got '{v}'.")).ToList();

    public bool? GetBool(string key)
    {
        var raw = Get(key);
        return raw?.ToLowerInvariant() switch
        {
            null => null,
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            _ => throw ApiError.Invalid(key, $"Must be a valid boolean (true or false), got '{raw}'."),
        };
    }

    public DateOnly? GetDate(string key)
    {
        var raw = Get(key);
        if (raw is null) return null;
        return DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw ApiError.Invalid(key, $"Date has wrong format, got '{raw}'. Use YYYY-MM-DD.");
    }

    /// <summary>ISO 8601 date-time; a bare date means midnight UTC; no offset means UTC.</summary>
    public DateTimeOffset? GetDateTime(string key)
    {
        var raw = Get(key);
        if (raw is null) return null;
        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dt)
               && raw.Contains('T', StringComparison.OrdinalIgnoreCase)
            ? dt
            : throw ApiError.Invalid(key, $"Datetime has wrong format, got '{raw}'. Use ISO 8601, e.g. 2024-07-29T15:51:28Z.");
    }
}
