using System.Globalization;

namespace TeamUp.IntegrationTests;

/// <summary>Clients against a sandbox, tuned for tests: tiny retry and poll waits, bounded timeouts.</summary>
internal static class Clients
{
    public static TeamUpClient For(TeamUpSandbox sandbox, int? providerId = null, Action<TeamUpClientOptions>? configure = null,
        HttpMessageHandler? transport = null)
    {
        var options = new TeamUpClientOptions
        {
            BaseUrl = sandbox.BaseUrl,
            ApiKey = sandbox.Token,
            ProviderId = providerId?.ToString(CultureInfo.InvariantCulture),
            RetryDelay = TimeSpan.FromMilliseconds(5),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
            ExportPollInterval = TimeSpan.FromMilliseconds(5),
            AttemptTimeout = TimeSpan.FromSeconds(10),
            TotalTimeout = TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(options);
        return transport is null ? new TeamUpClient(options) : new TeamUpClient(options, transport);
    }

    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }
}

/// <summary>Facts about the seeded data that the sandbox keeps internal, restated from the docs it follows.</summary>
internal static class Truth
{
    /// <summary>Reports have their own status enum: <c>pending</c> is <c>pending_online</c>; drafts are not in reports.</summary>
    public static string ReportStatus(string invoiceStatus) => invoiceStatus == "pending" ? "pending_online" : invoiceStatus;

    public static IEnumerable<SandboxInvoice> ReportInvoices(this SandboxDataset data, int providerId) =>
        data.InvoicesFor(providerId).Where(i => i.Status != "draft");

    public static IEnumerable<(SandboxInvoice Invoice, SandboxLineItem Line)> ReportLines(this SandboxDataset data, int providerId) =>
        data.ReportInvoices(providerId).SelectMany(i => i.LineItems.Select(l => (i, l)));

    /// <summary>The line-item report's type names (three invoice line types read differently there).</summary>
    public static string LineReportType(string lineType) => lineType switch
    {
        "membership_penalty_fee" => "flat_fee",
        "joining_fee" => "membership_purchase",
        "gift_card" => "store_order",
        _ => lineType,
    };

    public static SandboxPaymentProcessor? Processor(this SandboxDataset data, SandboxInvoice invoice) =>
        invoice.PaymentProcessorId is { } id ? data.Provider(invoice.ProviderId).PaymentProcessors.First(p => p.Id == id) : null;

    public static string Cell(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Cell(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    public static string Cell(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    /// <summary>Date-times as the API writes them: whole seconds, UTC.</summary>
    public static DateTimeOffset? Seconds(DateTimeOffset? time) =>
        time is { } t ? new DateTimeOffset(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero) : null;
}

/// <summary>One sandbox shared by the read-only tests (faults, clocks and logs that tests change get their own).</summary>
public sealed class SharedSandbox : IAsyncLifetime
{
    public TeamUpSandbox Sandbox { get; private set; } = null!;

    public int Provider1 => Sandbox.ProviderIds[0];

    public int Provider2 => Sandbox.ProviderIds[1];

    public SandboxDataset Data => Sandbox.Data;

    public async Task InitializeAsync() =>
        Sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Seed = 4242, Customers = 80, Invoices = 600, JobDuration = TimeSpan.Zero });

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedSandboxCollection : ICollectionFixture<SharedSandbox>
{
    public const string Name = "shared sandbox";
}

/// <summary>
/// The display string the README documents for an amount ("£1,234.50", "-£5", "1,234.50 €"), written here from that
/// description with .NET's standard number format, not taken from the sandbox (which writes the strings) or the SDK
/// (which reads them): a formatting rule wrong in both could otherwise agree with itself.
/// </summary>
internal static class DocumentedMoney
{
    private static readonly System.Globalization.NumberFormatInfo Digits = new() { NumberGroupSeparator = ",", NumberDecimalSeparator = ".", NumberGroupSizes = [3] };

    public static string Of(decimal amount, string isoCode)
    {
        var digits = Math.Abs(amount).ToString(amount % 1 == 0 ? "N0" : "N2", Digits);
        var sign = amount < 0 ? "-" : "";
        return isoCode switch
        {
            "gbp" => $"{sign}£{digits}",
            "usd" => $"{sign}${digits}",
            "eur" => $"{sign}{digits} €",
            _ => throw new ArgumentOutOfRangeException(nameof(isoCode), isoCode, "no documented format"),
        };
    }
}
