namespace TeamUp.Generated.Serialization;

/// <summary>
/// Implemented by every generated string-backed enum (<see cref="InvoiceStatus"/> and the others), so that a
/// single converter can read values the spec does not list without losing them.
/// </summary>
/// <typeparam name="TSelf">The enum type itself.</typeparam>
public interface IExtensibleEnum<TSelf> : IEquatable<TSelf>
    where TSelf : struct, IExtensibleEnum<TSelf>
{
    /// <summary>Wraps a wire value, known or not.</summary>
    /// <param name="value">The value exactly as TeamUp writes it.</param>
    static abstract TSelf Create(string value);
}
