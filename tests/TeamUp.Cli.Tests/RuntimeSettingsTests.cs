using System.Text.Json;

namespace TeamUp.Cli.Tests;

/// <summary>
/// The tool is a short-lived process (a sync worker lives seconds to minutes): profile-guided re-JIT costs it more CPU
/// than it wins back, so it is off in what users run (README, "Running many workers").
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void The_built_tool_runs_without_tiered_pgo()
    {
        var config = Path.ChangeExtension(Tool.ToolPath, ".runtimeconfig.json");
        using var json = JsonDocument.Parse(File.ReadAllText(config));
        var properties = json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.True(properties.TryGetProperty("System.Runtime.TieredPGO", out var pgo), $"{config} does not set System.Runtime.TieredPGO");
        Assert.False(pgo.GetBoolean());
    }
}
