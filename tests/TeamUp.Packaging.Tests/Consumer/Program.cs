// A user's program: compiled against the TeamUp.Generated and TeamUp.Sandbox packages from a local feed,
// so it can only see their public API. Prints one "key: value" line per result for the packaging test to check.
using System.Globalization;
using TeamUp.Generated;
using TeamUp.Sandbox;

var options = new TeamUpSandboxOptions { Seed = int.Parse(args[0], CultureInfo.InvariantCulture), Providers = 1, Customers = 20, Invoices = 60 };
await using var sandbox = await TeamUpSandbox.StartAsync(options);

// The one entry point: credentials, retries and timeouts configured once.
using var client = new TeamUpClient(new TeamUpClientOptions { BaseUrl = sandbox.BaseUrl, ApiKey = sandbox.Token });

// List every invoice; ListAllAsync follows the pages.
var all = new List<Invoice>();
await foreach (var invoice in client.Invoices.ListAllAsync(new InvoiceListOptions { PageSize = 25 }))
{
    all.Add(invoice);
}
Console.WriteLine($"invoices: {all.Count}");

// Expand the payer of the first one.
var first = await client.Invoices.RetrieveAsync(all[0].Id, expand: [InvoiceExpand.Payer]);
Console.WriteLine($"invoice: {first.Id}");
Console.WriteLine($"payer: {first.Payer.Id} expanded={first.Payer.IsExpanded} name={first.Payer.Value?.Name}");

// Sum money, exactly, in the provider's currency.
var total = all.Sum(invoice => invoice.TotalAmountDue);
Console.WriteLine($"total_amount_due: {total.Decimal.ToString(CultureInfo.InvariantCulture)} {total.IsoCurrencyCode}");
