using Newtonsoft.Json;
using TeamUp.Generated.Serialization;

namespace TeamUp.Generated;

// Each generated client builds its own settings and offers this hook; all of them get the SDK's choices.
/// <summary>Invoices: list and retrieve (<c>/invoices</c>).</summary>
public partial class InvoicesClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerSettings settings) => TeamUpJson.Configure(settings);
}

/// <summary>Invoice and invoice line item reports: data pages and export jobs (<c>/reports</c>).</summary>
public partial class ReportsClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerSettings settings) => TeamUpJson.Configure(settings);
}

/// <summary>Asynchronous jobs, such as report exports (<c>/jobs</c>).</summary>
public partial class JobsClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerSettings settings) => TeamUpJson.Configure(settings);
}
