using Newtonsoft.Json.Linq;
using YamlDotNet.Serialization;

namespace TeamUp.Generated.Tests.Infrastructure;

/// <summary>The spec as JSON: Microsoft.OpenApi reads JSON here, and YamlDotNet turns our YAML into it.</summary>
public static class SpecDocument
{
    private static readonly Lazy<string> JsonText = new(() => ToJson(File.ReadAllText(Repo.PathOf("spec", "teamup.openapi.yaml"))));

    public static string Json => JsonText.Value;

    public static JObject Parsed => JObject.Parse(Json);

    public static string ToJson(string yaml)
    {
        var graph = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize(new StringReader(yaml));
        var json = new SerializerBuilder().JsonCompatible().Build().Serialize(graph);
        return json;
    }
}
