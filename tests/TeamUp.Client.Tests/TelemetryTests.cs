using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TeamUp.Client.Tests;

public class TelemetryTests
{
    private const string Job = """{"id":7,"object":"job","result_url":null,"total_items":10,"complete_items":1}""";

    // Each test uses its own host, so that measurements of tests running in parallel are told apart.
    private static string Base(string host) => $"https://{host}/api/v2/";

    [Fact]
    public async Task One_span_per_operation_with_its_tags_even_across_retries()
    {
        const string host = "spans.teamup.test";
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TeamUpTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("server.address") as string == host)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, Base(host) + "jobs/7", FakeTeamUp.Answer(HttpStatusCode.ServiceUnavailable), FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var client = api.Client(o => o.BaseUrl = new Uri(Base(host)));

        await api.Run(() => client.Jobs.RetrieveAsync(7));

        var span = Assert.Single(spans);
        Assert.Equal("Jobs_Retrieve", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("Jobs_Retrieve", span.GetTagItem("teamup.operation"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal("GET", span.GetTagItem("http.request.method"));
        Assert.DoesNotContain(span.Tags, t => t.Value?.Contains(FakeTeamUp.Key, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Requests_retries_and_duration_are_measured()
    {
        const string host = "metrics.teamup.test";
        using var requests = new MetricCollector<long>(null, TeamUpTelemetry.Name, TeamUpTelemetry.RequestsInstrument);
        using var retries = new MetricCollector<long>(null, TeamUpTelemetry.Name, TeamUpTelemetry.RetriesInstrument);
        using var duration = new MetricCollector<double>(null, TeamUpTelemetry.Name, TeamUpTelemetry.DurationInstrument);
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, Base(host) + "jobs/7",
            FakeTeamUp.Answer(HttpStatusCode.ServiceUnavailable), FakeTeamUp.Answer(HttpStatusCode.BadGateway), FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var client = api.Client(o => o.BaseUrl = new Uri(Base(host)));

        await api.Run(() => client.Jobs.RetrieveAsync(7));

        bool Mine<T>(CollectedMeasurement<T> m) where T : struct => m.Tags.TryGetValue("server.address", out var h) && (string?)h == host;
        var sent = requests.GetMeasurementSnapshot().Where(Mine).ToList();
        Assert.Equal(3, sent.Sum(m => m.Value));
        Assert.Equal([503, 502, 200], sent.Select(m => (int)m.Tags["http.response.status_code"]!));
        Assert.Equal(2, retries.GetMeasurementSnapshot().Where(Mine).Sum(m => m.Value));
        var operation = Assert.Single(duration.GetMeasurementSnapshot(), Mine);
        Assert.Equal("Jobs_Retrieve", operation.Tags["teamup.operation"]);
        Assert.True(operation.Value >= 1, "the duration includes the retry waits on the client's clock");
    }

    [Fact]
    public async Task Log_events_say_operation_attempt_status_and_retries()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, FakeTeamUp.Base + "jobs/7", FakeTeamUp.Answer(HttpStatusCode.TooManyRequests), FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        var logs = new FakeLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        using var client = api.Client(loggers: loggers);

        await api.Run(() => client.Jobs.RetrieveAsync(7));

        var answered = logs.Collector.GetSnapshot().Where(r => r.Category == "TeamUp.Generated.Http" && r.Id.Id == 2).ToList();
        Assert.Equal(2, answered.Count);
        Assert.Equal("Jobs_Retrieve", answered[0].GetStructuredStateValue("Operation"));
        Assert.Equal(["1", "2"], answered.Select(r => r.GetStructuredStateValue("Attempt")));
        Assert.Equal(["429", "200"], answered.Select(r => r.GetStructuredStateValue("StatusCode")));
        var retry = Assert.Single(logs.Collector.GetSnapshot(), r => r.Category == "TeamUp.Generated.Http" && r.Id.Id == 4);
        Assert.Equal(LogLevel.Warning, retry.Level);
        Assert.Contains("429 Too Many Requests", retry.Message);
    }
}
