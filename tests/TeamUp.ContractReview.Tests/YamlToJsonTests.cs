using TeamUp.ContractReview.Input;

namespace TeamUp.ContractReview.Tests;

/// <summary>YAML scalars become the JSON values OpenAPI means (YAML 1.2 core schema).</summary>
public class YamlToJsonTests
{
    [Theory]
    [InlineData("100", "100")]
    [InlineData("-1", "-1")]
    [InlineData("0.5", "0.5")]
    [InlineData("1e3", "1000")]
    [InlineData("99999999999999999999999", "99999999999999999999999")]
    [InlineData("true", "true")]
    [InlineData("~", "null")]
    [InlineData("'100'", "\"100\"")]
    [InlineData("2024-05-01", "\"2024-05-01\"")]
    [InlineData("yes", "\"yes\"")]
    [InlineData("1.0.0", "\"1.0.0\"")]
    public void Scalars_keep_their_YAML_type(string yaml, string json)
    {
        var (node, _) = YamlToJson.Convert($"v: {yaml}", "t.yaml");
        Assert.Equal($"{{\"v\":{json}}}", node!.ToJsonString());
    }

    [Fact]
    public void Every_node_remembers_its_line()
    {
        var (_, lines) = YamlToJson.Convert("a:\n  b:\n    - x\n    - y\n", "t.yaml");
        Assert.Equal(4, lines["/a/b/1"]);
    }
}
