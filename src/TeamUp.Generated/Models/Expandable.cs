using Newtonsoft.Json;
using TeamUp.Generated.Serialization;

namespace TeamUp.Generated;

/// <summary>
/// A TeamUp field that holds an id, or the whole object when the request asked to expand it
/// (for example <c>payer</c> with <c>expand=payer</c>). <see cref="Id"/> is always there.
/// </summary>
/// <typeparam name="T">The object the id refers to.</typeparam>
[JsonConverter(typeof(ExpandableConverter))]
public sealed class Expandable<T> : IEquatable<Expandable<T>>
    where T : class
{
    /// <summary>A field that was not expanded: the id only.</summary>
    /// <param name="id">The object's id.</param>
    public Expandable(int id) => Id = id;

    /// <summary>A field that was expanded.</summary>
    /// <param name="id">The object's id (TeamUp always sends it inside the object too).</param>
    /// <param name="value">The expanded object.</param>
    public Expandable(int id, T value)
    {
        Id = id;
        Value = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The id of the object, expanded or not.</summary>
    public int Id { get; }

    /// <summary>The object when the field was expanded; otherwise <see langword="null"/>.</summary>
    public T? Value { get; }

    /// <summary>Whether <see cref="Value"/> holds the object.</summary>
    public bool IsExpanded => Value is not null;

    /// <summary>Lets an id stand where an expandable field is expected (e.g. in test data).</summary>
    /// <param name="id">The object's id.</param>
    public static implicit operator Expandable<T>(int id) => new(id);

    /// <inheritdoc />
    public bool Equals(Expandable<T>? other) =>
        other is not null && Id == other.Id && Equals(Value, other.Value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Expandable<T>);

    /// <inheritdoc />
    public override int GetHashCode() => Id;

    /// <inheritdoc />
    public override string ToString() => IsExpanded ? $"{typeof(T).Name} {Id} (expanded)" : $"{typeof(T).Name} {Id}";
}
