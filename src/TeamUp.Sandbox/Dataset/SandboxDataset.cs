namespace TeamUp.Sandbox;

/// <summary>The seeded data the sandbox serves, read-only, so tests can compare API answers with the truth.</summary>
public sealed class SandboxDataset
{
    private readonly Dictionary<int, SandboxInvoice> _invoicesById;
    private readonly Dictionary<int, SandboxCustomer> _customersById;
    private readonly Dictionary<int, List<SandboxInvoice>> _invoicesByProvider;

    internal SandboxDataset(IReadOnlyList<SandboxProvider> providers, IReadOnlyList<SandboxCustomer> customers,
        IReadOnlyList<SandboxInvoice> invoices, DateOnly anchorDate)
    {
        Providers = providers;
        Customers = customers;
        Invoices = invoices;
        AnchorDate = anchorDate;
        _invoicesById = invoices.ToDictionary(x => x.Id);
        _customersById = customers.ToDictionary(x => x.Id);
        _invoicesByProvider = providers.ToDictionary(p => p.Id, p => invoices.Where(i => i.ProviderId == p.Id).ToList());
    }

    public IReadOnlyList<SandboxProvider> Providers { get; }

    public IReadOnlyList<SandboxCustomer> Customers { get; }

    /// <summary>All invoices and credit notes of all providers, in id order.</summary>
    public IReadOnlyList<SandboxInvoice> Invoices { get; }

    /// <summary>The last day of the seeded history; due dates run 24 months up to it (plus a month of upcoming/draft invoices).</summary>
    public DateOnly AnchorDate { get; }

    public SandboxProvider Provider(int providerId) => Providers.First(p => p.Id == providerId);

    public IReadOnlyList<SandboxInvoice> InvoicesFor(int providerId) =>
        _invoicesByProvider.TryGetValue(providerId, out var list) ? list : [];

    public IEnumerable<SandboxCustomer> CustomersFor(int providerId) => Customers.Where(c => c.ProviderId == providerId);

    public SandboxInvoice? FindInvoice(int id) => _invoicesById.GetValueOrDefault(id);

    public SandboxCustomer Customer(int id) => _customersById[id];

    /// <summary>Every line item of a provider's invoices, paired with its invoice.</summary>
    public IEnumerable<(SandboxInvoice Invoice, SandboxLineItem Line)> LineItemsFor(int providerId) =>
        InvoicesFor(providerId).SelectMany(inv => inv.LineItems.Select(l => (inv, l)));
}
