namespace TeamUp.Sandbox;

/// <summary>
/// The data the sandbox serves, so tests can compare API answers with the truth. Seeded at start; invoice activity
/// (<see cref="SandboxActivity"/>) changes it while the server runs. Readers always get a consistent snapshot: a
/// change swaps in new lists instead of editing the ones a request may be reading.
/// </summary>
public sealed class SandboxDataset
{
    private readonly Dictionary<int, SandboxCustomer> _customersById;
    private readonly Lock _writeLock = new();
    private volatile Snapshot _snapshot;

    private sealed class Snapshot
    {
        public Snapshot(IReadOnlyList<SandboxInvoice> invoices, IEnumerable<SandboxProvider> providers)
        {
            Invoices = invoices;
            ById = invoices.ToDictionary(x => x.Id);
            ByProvider = providers.ToDictionary(p => p.Id, p => (IReadOnlyList<SandboxInvoice>)invoices.Where(i => i.ProviderId == p.Id).ToList());
        }

        public IReadOnlyList<SandboxInvoice> Invoices { get; }
        public Dictionary<int, SandboxInvoice> ById { get; }
        public Dictionary<int, IReadOnlyList<SandboxInvoice>> ByProvider { get; }
    }

    internal SandboxDataset(IReadOnlyList<SandboxProvider> providers, IReadOnlyList<SandboxCustomer> customers,
        IReadOnlyList<SandboxInvoice> invoices, DateOnly anchorDate)
    {
        Providers = providers;
        Customers = customers;
        AnchorDate = anchorDate;
        _customersById = customers.ToDictionary(x => x.Id);
        _snapshot = new Snapshot(invoices, providers);
    }

    public IReadOnlyList<SandboxProvider> Providers { get; }

    public IReadOnlyList<SandboxCustomer> Customers { get; }

    /// <summary>All invoices and credit notes of all providers, in id order (as of now: activity may change them).</summary>
    public IReadOnlyList<SandboxInvoice> Invoices => _snapshot.Invoices;

    /// <summary>The last day of the seeded history; due dates run 24 months up to it (plus a month of upcoming/draft invoices).</summary>
    public DateOnly AnchorDate { get; }

    public SandboxProvider Provider(int providerId) => Providers.First(p => p.Id == providerId);

    public IReadOnlyList<SandboxInvoice> InvoicesFor(int providerId) =>
        _snapshot.ByProvider.TryGetValue(providerId, out var list) ? list : [];

    public IEnumerable<SandboxCustomer> CustomersFor(int providerId) => Customers.Where(c => c.ProviderId == providerId);

    public SandboxInvoice? FindInvoice(int id) => _snapshot.ById.GetValueOrDefault(id);

    public SandboxCustomer Customer(int id) => _customersById[id];

    /// <summary>Every line item of a provider's invoices, paired with its invoice.</summary>
    public IEnumerable<(SandboxInvoice Invoice, SandboxLineItem Line)> LineItemsFor(int providerId) =>
        InvoicesFor(providerId).SelectMany(inv => inv.LineItems.Select(l => (inv, l)));

    /// <summary>
    /// Applies one change under the write lock: <paramref name="change"/> gets the current invoices and returns the
    /// replaced or added invoice; the new snapshot is published in one step.
    /// </summary>
    internal SandboxInvoice Change(Func<IReadOnlyList<SandboxInvoice>, SandboxInvoice> change)
    {
        lock (_writeLock)
        {
            var current = _snapshot.Invoices;
            var changed = change(current);
            var list = current.ToList();
            var index = list.FindIndex(i => i.Id == changed.Id);
            if (index >= 0)
            {
                list[index] = changed;
            }
            else
            {
                list.Add(changed);      // new ids are above every seeded one, so id order holds
            }
            _snapshot = new Snapshot(list, Providers);
            return changed;
        }
    }
}
