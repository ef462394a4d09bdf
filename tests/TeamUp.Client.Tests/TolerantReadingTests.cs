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

    [Fact]
    public void Promises_past_the_sixty_fourth_of_one_type_are_tracked_one_by_one()
    {
        // Presence is recorded as bits, 64 to a word: a type with more required properties spans two words.
        var fields = Enumerable.Range(0, 72).Where(i => i is not (3 or 64 or 71)).Select(i => i == 70 ? "\"p70\":null" : $"\"p{i}\":\"v{i}\"");
        var wide = TeamUpJson.Deserialize<Wide>("{" + string.Join(",", fields) + "}")!;

        Assert.Equal(["p3", "p64", "p70", "p71"], TeamUpContract.MissingRequiredFields(wide).Order(StringComparer.Ordinal));
        Assert.Equal("v65", wide.P65);
        Assert.True(TeamUpContract.IsComplete(TeamUpJson.Deserialize<Wide>("{" + string.Join(",", Enumerable.Range(0, 72).Select(i => $"\"p{i}\":\"v{i}\"")) + "}")!));
    }

    public sealed class Wide
    {
        [Newtonsoft.Json.JsonProperty("p0", Required = Newtonsoft.Json.Required.Always)] public string? P0 { get; set; }
        [Newtonsoft.Json.JsonProperty("p1", Required = Newtonsoft.Json.Required.Always)] public string? P1 { get; set; }
        [Newtonsoft.Json.JsonProperty("p2", Required = Newtonsoft.Json.Required.Always)] public string? P2 { get; set; }
        [Newtonsoft.Json.JsonProperty("p3", Required = Newtonsoft.Json.Required.Always)] public string? P3 { get; set; }
        [Newtonsoft.Json.JsonProperty("p4", Required = Newtonsoft.Json.Required.Always)] public string? P4 { get; set; }
        [Newtonsoft.Json.JsonProperty("p5", Required = Newtonsoft.Json.Required.Always)] public string? P5 { get; set; }
        [Newtonsoft.Json.JsonProperty("p6", Required = Newtonsoft.Json.Required.Always)] public string? P6 { get; set; }
        [Newtonsoft.Json.JsonProperty("p7", Required = Newtonsoft.Json.Required.Always)] public string? P7 { get; set; }
        [Newtonsoft.Json.JsonProperty("p8", Required = Newtonsoft.Json.Required.Always)] public string? P8 { get; set; }
        [Newtonsoft.Json.JsonProperty("p9", Required = Newtonsoft.Json.Required.Always)] public string? P9 { get; set; }
        [Newtonsoft.Json.JsonProperty("p10", Required = Newtonsoft.Json.Required.Always)] public string? P10 { get; set; }
        [Newtonsoft.Json.JsonProperty("p11", Required = Newtonsoft.Json.Required.Always)] public string? P11 { get; set; }
        [Newtonsoft.Json.JsonProperty("p12", Required = Newtonsoft.Json.Required.Always)] public string? P12 { get; set; }
        [Newtonsoft.Json.JsonProperty("p13", Required = Newtonsoft.Json.Required.Always)] public string? P13 { get; set; }
        [Newtonsoft.Json.JsonProperty("p14", Required = Newtonsoft.Json.Required.Always)] public string? P14 { get; set; }
        [Newtonsoft.Json.JsonProperty("p15", Required = Newtonsoft.Json.Required.Always)] public string? P15 { get; set; }
        [Newtonsoft.Json.JsonProperty("p16", Required = Newtonsoft.Json.Required.Always)] public string? P16 { get; set; }
        [Newtonsoft.Json.JsonProperty("p17", Required = Newtonsoft.Json.Required.Always)] public string? P17 { get; set; }
        [Newtonsoft.Json.JsonProperty("p18", Required = Newtonsoft.Json.Required.Always)] public string? P18 { get; set; }
        [Newtonsoft.Json.JsonProperty("p19", Required = Newtonsoft.Json.Required.Always)] public string? P19 { get; set; }
        [Newtonsoft.Json.JsonProperty("p20", Required = Newtonsoft.Json.Required.Always)] public string? P20 { get; set; }
        [Newtonsoft.Json.JsonProperty("p21", Required = Newtonsoft.Json.Required.Always)] public string? P21 { get; set; }
        [Newtonsoft.Json.JsonProperty("p22", Required = Newtonsoft.Json.Required.Always)] public string? P22 { get; set; }
        [Newtonsoft.Json.JsonProperty("p23", Required = Newtonsoft.Json.Required.Always)] public string? P23 { get; set; }
        [Newtonsoft.Json.JsonProperty("p24", Required = Newtonsoft.Json.Required.Always)] public string? P24 { get; set; }
        [Newtonsoft.Json.JsonProperty("p25", Required = Newtonsoft.Json.Required.Always)] public string? P25 { get; set; }
        [Newtonsoft.Json.JsonProperty("p26", Required = Newtonsoft.Json.Required.Always)] public string? P26 { get; set; }
        [Newtonsoft.Json.JsonProperty("p27", Required = Newtonsoft.Json.Required.Always)] public string? P27 { get; set; }
        [Newtonsoft.Json.JsonProperty("p28", Required = Newtonsoft.Json.Required.Always)] public string? P28 { get; set; }
        [Newtonsoft.Json.JsonProperty("p29", Required = Newtonsoft.Json.Required.Always)] public string? P29 { get; set; }
        [Newtonsoft.Json.JsonProperty("p30", Required = Newtonsoft.Json.Required.Always)] public string? P30 { get; set; }
        [Newtonsoft.Json.JsonProperty("p31", Required = Newtonsoft.Json.Required.Always)] public string? P31 { get; set; }
        [Newtonsoft.Json.JsonProperty("p32", Required = Newtonsoft.Json.Required.Always)] public string? P32 { get; set; }
        [Newtonsoft.Json.JsonProperty("p33", Required = Newtonsoft.Json.Required.Always)] public string? P33 { get; set; }
        [Newtonsoft.Json.JsonProperty("p34", Required = Newtonsoft.Json.Required.Always)] public string? P34 { get; set; }
        [Newtonsoft.Json.JsonProperty("p35", Required = Newtonsoft.Json.Required.Always)] public string? P35 { get; set; }
        [Newtonsoft.Json.JsonProperty("p36", Required = Newtonsoft.Json.Required.Always)] public string? P36 { get; set; }
        [Newtonsoft.Json.JsonProperty("p37", Required = Newtonsoft.Json.Required.Always)] public string? P37 { get; set; }
        [Newtonsoft.Json.JsonProperty("p38", Required = Newtonsoft.Json.Required.Always)] public string? P38 { get; set; }
        [Newtonsoft.Json.JsonProperty("p39", Required = Newtonsoft.Json.Required.Always)] public string? P39 { get; set; }
        [Newtonsoft.Json.JsonProperty("p40", Required = Newtonsoft.Json.Required.Always)] public string? P40 { get; set; }
        [Newtonsoft.Json.JsonProperty("p41", Required = Newtonsoft.Json.Required.Always)] public string? P41 { get; set; }
        [Newtonsoft.Json.JsonProperty("p42", Required = Newtonsoft.Json.Required.Always)] public string? P42 { get; set; }
        [Newtonsoft.Json.JsonProperty("p43", Required = Newtonsoft.Json.Required.Always)] public string? P43 { get; set; }
        [Newtonsoft.Json.JsonProperty("p44", Required = Newtonsoft.Json.Required.Always)] public string? P44 { get; set; }
        [Newtonsoft.Json.JsonProperty("p45", Required = Newtonsoft.Json.Required.Always)] public string? P45 { get; set; }
        [Newtonsoft.Json.JsonProperty("p46", Required = Newtonsoft.Json.Required.Always)] public string? P46 { get; set; }
        [Newtonsoft.Json.JsonProperty("p47", Required = Newtonsoft.Json.Required.Always)] public string? P47 { get; set; }
        [Newtonsoft.Json.JsonProperty("p48", Required = Newtonsoft.Json.Required.Always)] public string? P48 { get; set; }
        [Newtonsoft.Json.JsonProperty("p49", Required = Newtonsoft.Json.Required.Always)] public string? P49 { get; set; }
        [Newtonsoft.Json.JsonProperty("p50", Required = Newtonsoft.Json.Required.Always)] public string? P50 { get; set; }
        [Newtonsoft.Json.JsonProperty("p51", Required = Newtonsoft.Json.Required.Always)] public string? P51 { get; set; }
        [Newtonsoft.Json.JsonProperty("p52", Required = Newtonsoft.Json.Required.Always)] public string? P52 { get; set; }
        [Newtonsoft.Json.JsonProperty("p53", Required = Newtonsoft.Json.Required.Always)] public string? P53 { get; set; }
        [Newtonsoft.Json.JsonProperty("p54", Required = Newtonsoft.Json.Required.Always)] public string? P54 { get; set; }
        [Newtonsoft.Json.JsonProperty("p55", Required = Newtonsoft.Json.Required.Always)] public string? P55 { get; set; }
        [Newtonsoft.Json.JsonProperty("p56", Required = Newtonsoft.Json.Required.Always)] public string? P56 { get; set; }
        [Newtonsoft.Json.JsonProperty("p57", Required = Newtonsoft.Json.Required.Always)] public string? P57 { get; set; }
        [Newtonsoft.Json.JsonProperty("p58", Required = Newtonsoft.Json.Required.Always)] public string? P58 { get; set; }
        [Newtonsoft.Json.JsonProperty("p59", Required = Newtonsoft.Json.Required.Always)] public string? P59 { get; set; }
        [Newtonsoft.Json.JsonProperty("p60", Required = Newtonsoft.Json.Required.Always)] public string? P60 { get; set; }
        [Newtonsoft.Json.JsonProperty("p61", Required = Newtonsoft.Json.Required.Always)] public string? P61 { get; set; }
        [Newtonsoft.Json.JsonProperty("p62", Required = Newtonsoft.Json.Required.Always)] public string? P62 { get; set; }
        [Newtonsoft.Json.JsonProperty("p63", Required = Newtonsoft.Json.Required.Always)] public string? P63 { get; set; }
        [Newtonsoft.Json.JsonProperty("p64", Required = Newtonsoft.Json.Required.Always)] public string? P64 { get; set; }
        [Newtonsoft.Json.JsonProperty("p65", Required = Newtonsoft.Json.Required.Always)] public string? P65 { get; set; }
        [Newtonsoft.Json.JsonProperty("p66", Required = Newtonsoft.Json.Required.Always)] public string? P66 { get; set; }
        [Newtonsoft.Json.JsonProperty("p67", Required = Newtonsoft.Json.Required.Always)] public string? P67 { get; set; }
        [Newtonsoft.Json.JsonProperty("p68", Required = Newtonsoft.Json.Required.Always)] public string? P68 { get; set; }
        [Newtonsoft.Json.JsonProperty("p69", Required = Newtonsoft.Json.Required.Always)] public string? P69 { get; set; }
        [Newtonsoft.Json.JsonProperty("p70", Required = Newtonsoft.Json.Required.DisallowNull)] public string? P70 { get; set; }
        [Newtonsoft.Json.JsonProperty("p71", Required = Newtonsoft.Json.Required.Always)] public string? P71 { get; set; }
    }
}
