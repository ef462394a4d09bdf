using System.Text;
using Newtonsoft.Json.Linq;
using TeamUp.Generated.Serialization;
using TeamUp.Generated.Tests.Infrastructure;

namespace TeamUp.Generated.Tests;

/// <summary>
/// Every example payload the spec carries (the docs' examples, made valid) is read into its generated model and
/// written back: the result must be the same JSON, and the snapshot shows each one as the SDK writes it.
/// </summary>
public class DocExampleTests
{
    [Fact]
    public void Every_example_round_trips_through_its_model()
    {
        var output = new StringBuilder();
        var examples = Examples().ToList();
        Assert.True(examples.Count >= 15, $"only {examples.Count} examples found");

        foreach (var (where, schemaName, example) in examples)
        {
            var type = typeof(Invoice).Assembly.GetType("TeamUp.Generated." + schemaName)
                ?? throw new InvalidOperationException($"{where}: no generated type {schemaName}");
            var json = example.ToString(Newtonsoft.Json.Formatting.None);
            var model = Newtonsoft.Json.JsonConvert.DeserializeObject(json, type, TeamUpJson.CreateSettings());
            var written = TeamUpJson.Serialize(model);

            JsonAssert.Equivalent(json, written);
            output.Append("### ").Append(where).Append(" → ").AppendLine(type.Name);
            output.AppendLine(TeamUpJson.Serialize(model, indented: true)).AppendLine();
        }

        Snapshot.Verify(output.ToString(), "DocExamples", "txt");
    }

    private static IEnumerable<(string Where, string Schema, JToken Example)> Examples()
    {
        var spec = SpecDocument.Parsed;
        foreach (var schema in ((JObject)spec["components"]!["schemas"]!).Properties())
        {
            if (schema.Value["example"] is { } example && schema.Value["enum"] is null && example.Type == JTokenType.Object)
            {
                yield return ($"components.schemas.{schema.Name}", schema.Name, example);
            }
        }
        foreach (var path in ((JObject)spec["paths"]!).Properties())
        {
            foreach (var operation in ((JObject)path.Value).Properties().Where(p => p.Name is "get" or "post"))
            {
                foreach (var response in ((JObject)operation.Value["responses"]!).Properties())
                {
                    var content = response.Value["content"]?["application/json"];
                    if (content?["example"] is { } example && content["schema"]?["$ref"]?.Value<string>() is { } reference)
                    {
                        yield return ($"{operation.Value["operationId"]} {response.Name}", reference.Split('/')[^1], example);
                    }
                }
            }
        }
    }
}
