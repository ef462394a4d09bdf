using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using RichardSzalay.MockHttp;

namespace TeamUp.Client.Tests;

/// <summary>A scripted TeamUp (MockHttp) on a fake clock, and clients wired to it through the real pipeline.</summary>
internal sealed class FakeTeamUp : IDisposable
{
    public const string Base = "https://api.teamup.test/api/v2/";
    public const string Key = "tk_live_SECRETKEY123";

    private readonly AsyncLocal<bool> _inRequest = new();

    public FakeTeamUp()
    {
        Capture = new CaptureHandler(Mock, this);
        Time.Busy = () => Volatile.Read(ref InFlight);
    }

    public MockHttpMessageHandler Mock { get; } = new();

    public TestClock Time { get; } = new();

    public ConcurrentQueue<Captured> Requests { get; } = new();

    public HttpMessageHandler Capture { get; }

    /// <summary>Answers before MockHttp when it returns a task (for responses that observe cancellation).</summary>
    public Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>?>? Intercept { get; set; }

    public int InFlight;
    public int MaxInFlight;

    public TeamUpClientOptions Options(Action<TeamUpClientOptions>? configure = null)
    {
        var options = new TeamUpClientOptions { BaseUrl = new Uri(Base), ApiKey = Key, TimeProvider = Time };
        configure?.Invoke(options);
        return options;
    }

    public TeamUpClient Client(Action<TeamUpClientOptions>? configure = null, ILoggerFactory? loggers = null) =>
        new(Options(configure), Capture, loggers);

    /// <summary>Answers requests to <paramref name="url"/> with the responses in turn; the last one repeats.</summary>
    public void On(HttpMethod method, string url, params Func<HttpRequestMessage, HttpResponseMessage>[] responses)
    {
        var count = 0;
        Mock.When(method, url).Respond(request =>
        {
            var index = Math.Min(Interlocked.Increment(ref count) - 1, responses.Length - 1);
            return Task.FromResult(responses[index](request));
        });
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string body, Action<HttpResponseMessage>? configure = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        configure?.Invoke(response);
        return response;
    }

    public static Func<HttpRequestMessage, HttpResponseMessage> Answer(HttpStatusCode status, string body = "{}", Action<HttpResponseMessage>? configure = null) =>
        _ => Json(status, body, configure);

    public static Func<HttpRequestMessage, HttpResponseMessage> Throw(Exception exception) => _ => throw exception;

    public int Count(HttpMethod method, string pathAndQueryStart) =>
        Requests.Count(r => r.Method == method && r.Uri.PathAndQuery.StartsWith(pathAndQueryStart, StringComparison.Ordinal));

    /// <summary>Runs <paramref name="action"/>, moving the fake clock to each timer the code waits for (no real sleeping).</summary>
    public Task<T> Run<T>(Func<Task<T>> action) => Time.Run(action);

    public Task Run(Func<Task> action) => Time.Run(async () => { await action(); return 0; });

    /// <summary>A server or file that never answers: ends only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task StallAsync(CancellationToken cancellationToken) => Time.StallAsync(cancellationToken, _inRequest.Value);

    public void Dispose() => Mock.Dispose();

    public sealed record Captured(HttpMethod Method, Uri Uri, string? Authorization, IReadOnlyDictionary<string, string> Headers, DateTimeOffset At);

    private sealed class CaptureHandler(HttpMessageHandler inner, FakeTeamUp owner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(h.Key == "User-Agent" ? " " : ",", h.Value), StringComparer.OrdinalIgnoreCase);
            owner.Requests.Enqueue(new Captured(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), headers, owner.Time.GetUtcNow()));
            var now = Interlocked.Increment(ref owner.InFlight);
            int max;
            while ((max = Volatile.Read(ref owner.MaxInFlight)) < now && Interlocked.CompareExchange(ref owner.MaxInFlight, now, max) != max)
            {
            }
            owner._inRequest.Value = true;
            try
            {
                if (owner.Intercept?.Invoke(request, cancellationToken) is { } intercepted)
                {
                    var response = await intercepted;
                    response.RequestMessage ??= request;
                    return response;
                }
                return await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref owner.InFlight);
            }
        }
    }
}
