using System.Net;
using System.Text;

namespace TeamUp.Generated.Tests.Infrastructure;

/// <summary>Answers every request with one canned response and keeps what was sent, body included.</summary>
public sealed class RecordingHandler(string responseJson, HttpStatusCode status = HttpStatusCode.OK, string mediaType = "application/json") : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, string? Body)> Requests { get; } = [];

    public HttpRequestMessage Last => Requests[^1].Request;

    public string? LastBody => Requests[^1].Body;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request, body));
        return new HttpResponseMessage(status)
        {
            RequestMessage = request,
            Content = new StringContent(responseJson, Encoding.UTF8, mediaType),
        };
    }

    public HttpClient Client() => new(this) { BaseAddress = null };
}
