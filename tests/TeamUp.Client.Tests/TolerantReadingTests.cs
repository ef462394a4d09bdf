using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TeamUp.Generated.Serialization;

namespace TeamUp.Client.Tests;

/// <summary>One broken invoice must not sink a sync of thousands: read tolerantly, report it, strict on request.</summary>
public class TolerantReadingTests
{
    private const string InvoicesUrl = FakeTeamUp.Base + "invoices*";

    private static string Page(params string[] invoices) =>
        $$"""{"count":{{invoices.Length}},"next":null,"previous":null,"results":[{{string.Join(",", invoices)}}]}""";

    private static readonly string Whole = PagingTests.Invoice(1);
    private static readonly string NullPayer = PagingTests.Invoice(2).Replace("\"payer\":3", "\"payer\":null");
    private static readonly string NoAmountNoDate = PagingTests.Invoice(3)
        .Replace("\"due_date\":\"2026-01-31\",", "")
        .Replace("\"total_amount_due\":{\"decimal\":10.5,\"string\":\"$10.50\",\"iso_currency_code\":\"USD\",\"currency_symbol\":\"$\",\"currency_symbol_position\":\"before\"},", "");
    private static readonly string NullDate = PagingTests.Invoice(4).Replace("\"due_date\":\"2026-01-31\"", "\"due_date\":null");

    [Fact]
    public async Task A_page_with_broken_invoices_is_read_whole_and_each_broken_promise_is_reported()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, InvoicesUrl, FakeTeamUp.Answer(HttpStatusCode.OK, Page(Whole, NullPayer, NoAmountNoDate, NullDate)));
        var logs = new FakeLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        using var client = api.Client(loggers: loggers);
        var counted = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TeamUpTelemetry.Name && instrument.Name == TeamUpTelemetry.ContractViolationsInstrument) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags) if (tag.Key == "teamup.field") counted.Add((string)tag.Value!);
        });
        listener.Start();

        var page = await api.Run(() => client.Invoices.ListAsync());

        Assert.Equal([1, 2, 3, 4], page.Results.Select(i => i.Id));
        Assert.Empty(TeamUpContract.MissingRequiredFields(page.Results[0]));
        Assert.True(TeamUpContract.IsComplete(page.Results[0]));
        Assert.Equal(["payer"], TeamUpContract.MissingRequiredFields(page.Results[1]));
        Assert.Null(page.Results[1].Payer);
        Assert.Equal(["due_date", "total_amount_due"], TeamUpContract.MissingRequiredFields(page.Results[2]).Order());
        Assert.Equal(default, page.Results[2].DueDate);
        Assert.Null(page.Results[2].TotalAmountDue.IsoCurrencyCode); // the type's default: an empty amount
        Assert.Equal(["due_date"], TeamUpContract.MissingRequiredFields(page.Results[3]));
        var warnings = logs.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).ToList();
        Assert.Equal(4, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("Invoices_List", StringComparison.Ordinal) && w.Contains("Invoice", StringComparison.Ordinal) && w.Contains("'payer'", StringComparison.Ordinal));
        Assert.Contains("Invoice.payer", counted);
        Assert.Contains("Invoice.due_date", counted);
    }

    [Fact]
    public async Task Strict_mode_fails_the_answer_naming_the_field()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, InvoicesUrl, FakeTeamUp.Answer(HttpStatusCode.OK, Page(Whole, NullPayer)));
        using var client = api.Client(o => o.StrictResponses = true);

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Invoices.ListAsync()));

        Assert.Equal(200, error.StatusCode);
        Assert.Equal(TeamUpFailureKind.Unreadable, error.Kind);
        Assert.Contains("payer", error.Message);
    }

    [Fact]
    public async Task Every_page_of_a_sync_is_read_past_a_broken_invoice()
    {
        using var api = new FakeTeamUp();
        api.Mock.When(HttpMethod.Get, FakeTeamUp.Base + "invoices").WithQueryString("page", "2")
            .Respond("application/json", Page(PagingTests.Invoice(5)));
        api.Mock.When(HttpMethod.Get, FakeTeamUp.Base + "invoices")
            .Respond("application/json", Page(Whole, NullPayer).Replace("\"next\":null", "\"next\":\"" + FakeTeamUp.Base + "invoices?page=2\""));
        using var client = api.Client();

        var all = await api.Run(() => client.Invoices.ListAllAsync().ToListAsync().AsTask());

        Assert.Equal([1, 2, 5], all.Select(i => i.Id));
        Assert.Single(all, i => !TeamUpContract.IsComplete(i));
    }

    [Fact]
    public void TeamUpJson_reads_like_the_client_and_strict_on_request()
    {
        var tolerant = TeamUpJson.Deserialize<Invoice>(NullPayer)!;

        Assert.Equal(["payer"], TeamUpContract.MissingRequiredFields(tolerant));
        Assert.Throws<Newtonsoft.Json.JsonSerializationException>(() => TeamUpJson.Deserialize<Invoice>(NullPayer, strict: true));
    }
}
