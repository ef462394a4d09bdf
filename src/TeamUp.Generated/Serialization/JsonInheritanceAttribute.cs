namespace TeamUp.Generated;

/// <summary>
/// Maps a discriminator value to a generated subtype. The generated code emits these on polymorphic base
/// types; the type is ours (NSwag's is excluded with its converter) so that <see cref="Serialization.DiscriminatorConverter"/> owns the mapping.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Interface, AllowMultiple = true)]
internal sealed class JsonInheritanceAttribute(string key, Type type) : Attribute
{
    public string Key { get; } = key;

    public Type Type { get; } = type;
}
