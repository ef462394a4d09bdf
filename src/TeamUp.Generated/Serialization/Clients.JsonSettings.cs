using Newtonsoft.Json;
using TeamUp.Generated.Serialization;

namespace TeamUp.Generated;

// Each generated client builds its own settings and offers this hook; all of them get the SDK's choices.
public partial class InvoicesClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerSettings settings) => TeamUpJson.Configure(settings);
}

public partial class ReportsClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerSettings settings) => TeamUpJson.Configure(settings);
}

public partial class JobsClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerSettings settings) => TeamUpJson.Configure(settings);
}
