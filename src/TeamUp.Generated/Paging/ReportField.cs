using System.Globalization;
using TeamUp.Generated.Serialization;

namespace TeamUp.Generated;

/// <summary>
/// One field of a report query or export request (a column list, the order, or a filter): its wire key, its type,
/// and how to set it on the generated object, from a value or from text. Made by the generated
/// <see cref="ReportDefinition"/>s; the type is the generated property's, so it follows the spec.
/// </summary>
public sealed class ReportField
{
    private readonly Action<object, object?> _set;
    private readonly Func<string, object?> _parse;

    private ReportField(string key, Type propertyType, Action<object, object?> set)
    {
        Key = key;
        var type = Nullable.GetUnderlyingType(propertyType) ?? propertyType;
        var element = ElementOf(type);
        IsList = element is not null;
        ValueType = Nullable.GetUnderlyingType(element ?? type) ?? element ?? type;
        _set = set;
        _parse = IsList ? ListParser(ValueType) : text => Parse(ValueType, text);
    }

    /// <summary>The key on the wire, e.g. <c>status</c> or <c>due_date_gte</c>.</summary>
    public string Key { get; }

    /// <summary>The value's type; for a list, the type of one element.</summary>
    public Type ValueType { get; }

    /// <summary>Whether the field takes several values (sent comma-separated).</summary>
    public bool IsList { get; }

    /// <summary>The values the spec lists when <see cref="ValueType"/> is one of its enums, else empty.</summary>
    public IReadOnlyList<string> KnownValues =>
        IsExtensibleEnum(ValueType) && ValueType.GetProperty("KnownValues")?.GetValue(null) is System.Collections.IEnumerable values
            ? values.Cast<object>().Select(v => v.ToString() ?? "").ToList()
            : [];

    /// <summary>What a value looks like as text, for messages: "an integer", "a date like 2025-01-31", ….</summary>
    public string Expected
    {
        get
        {
            var one = ValueType == typeof(int) || ValueType == typeof(long) ? "an integer"
                : ValueType == typeof(double) || ValueType == typeof(decimal) ? "a number"
                : ValueType == typeof(bool) ? "true or false"
                : ValueType == typeof(DateOnly) ? "a date like 2025-01-31"
                : ValueType == typeof(DateTimeOffset) ? "a date-time like 2025-01-31T00:00:00Z"
                : KnownValues is { Count: > 0 } known ? "one of " + string.Join(", ", known)
                : "text";
            return IsList ? one + " (several: comma-separated)" : one;
        }
    }

    /// <summary>Sets the field on <paramref name="target"/> (a query or request of the field's report).</summary>
    /// <param name="target">The query or export request.</param>
    /// <param name="value">A value of the property's type, or null to clear it.</param>
    public void SetValue(object target, object? value) => _set(target, value);

    /// <summary>Sets the field from text: lists comma-separated, dates <c>yyyy-MM-dd</c>, date-times ISO 8601, booleans <c>true</c>/<c>false</c>.</summary>
    /// <param name="target">The query or export request.</param>
    /// <param name="text">The value as text.</param>
    /// <exception cref="FormatException">The text is not a valid value; the message says what is expected.</exception>
    public void SetText(object target, string text) => _set(target, _parse(text));

    /// <inheritdoc />
    public override string ToString() => Key;

    /// <summary>Makes the fields of one generated type.</summary>
    /// <typeparam name="TTarget">The query or export request type.</typeparam>
    public static class For<TTarget>
    {
        /// <summary>A field whose type is the property's (<paramref name="get"/> only names it).</summary>
        /// <typeparam name="TValue">The property's type.</typeparam>
        /// <param name="key">The wire key.</param>
        /// <param name="get">Reads the property (gives its type).</param>
        /// <param name="set">Writes the property.</param>
        public static ReportField Of<TValue>(string key, Func<TTarget, TValue> get, Action<TTarget, TValue> set)
        {
            ArgumentNullException.ThrowIfNull(get);
            ArgumentNullException.ThrowIfNull(set);
            return new ReportField(key, typeof(TValue), (target, value) => set((TTarget)target, (TValue)value!));
        }
    }

    private static Type? ElementOf(Type type)
    {
        if (type == typeof(string)) return null;
        if (type.IsArray) return type.GetElementType();
        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    private Func<string, object?> ListParser(Type element) => text =>
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var array = Array.CreateInstance(element, parts.Length);
        for (var i = 0; i < parts.Length; i++)
        {
            array.SetValue(Parse(element, parts[i]), i);
        }
        return array;
    };

    private object Parse(Type type, string text)
    {
        try
        {
            if (type == typeof(string)) return text;
            if (type == typeof(int)) return int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (type == typeof(long)) return long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (type == typeof(double)) return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (type == typeof(decimal)) return decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
            if (type == typeof(bool)) return text.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" => true,
                "false" or "0" or "no" => false,
                _ => throw new FormatException(),
            };
            if (type == typeof(DateOnly)) return DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (type == typeof(DateTimeOffset)) return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            if (IsExtensibleEnum(type))
            {
                // Extensible: a value the spec does not list is still sent (TeamUp may know it).
                if (text.Length == 0) throw new FormatException();
                return Activator.CreateInstance(type, text)!;
            }
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new FormatException($"'{text}' is not a valid value for '{Key}' (expected {Expected}).", e);
        }
        throw new FormatException($"'{Key}' cannot be set from text (type {type.Name}).");
    }

    private static bool IsExtensibleEnum(Type type) =>
        type.IsValueType && type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IExtensibleEnum<>));
}
