// A user's program: compiled against the TeamUp.Generated and TeamUp.Sandbox packages from a local feed,
// so it can only see their public API. Prints one "key: value" line per result for the packaging test to check.
using System.Globalization;
using System.Net.Http.Headers;
using TeamUp.Generated;
using TeamUp.Sandbox;

var options = new TeamUpSandboxOptions { Seed = int.Parse(args[0], CultureInfo.InvariantCulture), Providers = 1, Customers = 20, Invoices = 60 };
await using var sandbox = await TeamUpSandbox.StartAsync(options);

using var http = new HttpClient();
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", sandbox.Token);
var invoices = new InvoicesClient(http) { BaseUrl = sandbox.BaseUrl.ToString() };

// List every invoice, page by page.
var all = new List<Invoice>();
for (var page = 1; ; page++)
{
    var list = await invoices.ListAsync(page: page, pageSize: 25);
    all.AddRange(list.Results);
    if (list.Next is null) break;
}
Console.WriteLine($"invoices: {all.Count}");

// Expand the payer of the first one.
var first = await invoices.RetrieveAsync(all[0].Id, expand: [InvoiceExpand.Payer]);
Console.WriteLine($"invoice: {first.Id}");
Console.WriteLine($"payer: {first.Payer.Id} expanded={first.Payer.IsExpanded} name={first.Payer.Value?.Name}");

// Sum money, exactly, in the provider's currency.
var total = all.Sum(invoice => invoice.TotalAmountDue);
Console.WriteLine($"total_amount_due: {total.Decimal.ToString(CultureInfo.InvariantCulture)} {total.IsoCurrencyCode}");
