using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;

namespace TeamUp.Client.Tests;

/// <summary>A scripted TeamUp (MockHttp) on a fake clock, and clients wired to it through the real pipeline.</summary>
internal sealed class FakeTeamUp : IDisposable
{
    public const string Base = "https://api.teamup.test/api/v2/";
    public const string Key = "tk_live_SECRETKEY123";

    public FakeTeamUp()
    {
        Capture = new CaptureHandler(Mock, this);
    }

    public MockHttpMessageHandler Mock { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

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

    /// <summary>Runs <paramref name="action"/>, moving the fake clock on while it waits (no real sleeping).</summary>
    public async Task<T> Run<T>(Func<Task<T>> action, TimeSpan? step = null)
    {
        var task = action();
        for (var i = 0; i < 4000 && !task.IsCompleted; i++)
        {
            await Task.WhenAny(task, Task.Delay(1));
            if (!task.IsCompleted)
            {
                Time.Advance(step ?? TimeSpan.FromMilliseconds(250));
            }
        }
        return await task;
    }

    public Task Run(Func<Task> action, TimeSpan? step = null) => Run(async () => { await action(); return 0; }, step);

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
