using System.Text.Json.Nodes;
using TeamUp.ContractReview.Input;

namespace TeamUp.ContractReview.Tests;

/// <summary>
/// A copy of the project's spec kept with these tests (<c>Fixtures/teamup.openapi.yaml</c>), and edited copies of it for
/// TeamUp-shaped scenarios. A copy, not <c>spec/</c> itself: the scenarios name schemas, parameters and enum values,
/// and a legitimate edit of the live spec (a value added, a parameter removed) must not turn them into failures.
/// Refresh it from <c>spec/</c> when a scenario needs something new; it must keep building with today's sources.
/// </summary>
internal static class SpecFixture
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "teamup.openapi.yaml");

    public static string Text => File.ReadAllText(Path);

    /// <summary>The spec as JSON (valid YAML too), after <paramref name="edit"/>.</summary>
    public static string Edited(Action<JsonObject> edit)
    {
        var (json, _) = YamlToJson.Convert(Text, Path);
        var root = (JsonObject)json!;
        edit(root);
        return root.ToJsonString();
    }

    public static JsonNode Schema(JsonObject root, string name) => root["components"]!["schemas"]![name]!;

    public static JsonObject Parameter(JsonObject root, string path, string method, string name) =>
        root["paths"]![path]![method]!["parameters"]!.AsArray().OfType<JsonObject>().Single(p => (string?)p["name"] == name);

    public static void RemoveEnumValue(JsonNode schema, string value)
    {
        var values = schema["enum"]!.AsArray();
        values.Remove(values.Single(v => (string?)v == value));
    }
}
