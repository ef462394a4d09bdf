using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TeamUp.Client.Tests;

/// <summary>A server, proxy or file host that answers too much, the wrong thing, or with the caller's secret in it.</summary>
public class HostileServerTests
{
    private const string JobUrl = FakeTeamUp.Base + "jobs/12";
    private const string Storage = "https://storage.test/exports/12.csv?X-Amz-Signature=sig123";

    private static string JobJson(string? resultUrl) =>
        $$"""{"id":12,"object":"job","result_url":{{(resultUrl is null ? "null" : "\"" + resultUrl + "\"")}},"total_items":1,"complete_items":1}""";

    private static HttpResponseMessage File(string mediaType, byte[] body) =>
        new(HttpStatusCode.OK) { Content = new ByteArrayContent(body) { Headers = { ContentType = new(mediaType) } } };

    // ---- 1. Answers are bounded after decompression, fail typed, and are not retried ----

    [Fact]
    public async Task A_gzip_answer_that_inflates_past_the_limit_fails_typed_and_is_sent_once()
    {
        // 64 MiB of JSON-looking whitespace compresses to ~64 KB; the real pipeline (SocketsHttpHandler) inflates it.
        var inflated = new byte[64 << 20];
        inflated.AsSpan().Fill((byte)' ');
        inflated[0] = (byte)'{';
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(inflated);
        }
        await using var server = await RawHttpServer.StartAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n", compressed.ToArray());
        using var client = new TeamUpClient(new TeamUpClientOptions { BaseUrl = server.BaseUrl, ApiKey = FakeTeamUp.Key, MaxResponseSize = 1 << 20, MaxRetries = 3 });

        var error = await Assert.ThrowsAsync<TeamUpResponseTooLargeException>(() => client.Jobs.RetrieveAsync(12));

        Assert.Equal(1, server.Requests);
        Assert.Equal(200, error.StatusCode);
        Assert.Equal(TeamUpFailureKind.TooLarge, error.Kind);
        Assert.Equal(1 << 20, error.Limit);
        Assert.Equal("Jobs_Retrieve", error.Operation);
        Assert.Contains("larger than 1 MiB after decompression", error.Message);
        Assert.Contains("MaxResponseSize", error.Message);
    }

    [Fact]
    public async Task A_plain_answer_over_the_limit_fails_without_retries()
    {
        using var api = new FakeTeamUp();
        var huge = "{\"id\":12,\"object\":\"job\",\"x\":\"" + new string('a', 3 << 20) + "\"}";
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, huge));
        using var client = api.Client(o => o.MaxResponseSize = 1 << 20);

        var error = await Assert.ThrowsAsync<TeamUpResponseTooLargeException>(() => api.Run(() => client.Jobs.RetrieveAsync(12)));

        Assert.Single(api.Requests);
        Assert.Equal((long)huge.Length, error.DeclaredLength);
    }

    [Fact]
    public async Task An_answer_without_a_length_is_stopped_at_the_limit_not_read_to_its_end()
    {
        using var api = new FakeTeamUp();
        var source = new EndlessJson();
        api.On(HttpMethod.Get, JobUrl, _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(source) { Headers = { ContentType = new("application/json") } } });
        using var client = api.Client(o => o.MaxResponseSize = 1 << 20);

        await Assert.ThrowsAsync<TeamUpResponseTooLargeException>(() => api.Run(() => client.Jobs.RetrieveAsync(12)));

        Assert.InRange(source.Served, 1 << 20, (1 << 20) + (1 << 18));
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task An_answer_an_inner_handler_already_buffered_is_still_held_to_the_limit()
    {
        // A handler below ours (a proxy shim, a recorder) may have read the answer into memory already: buffering it
        // again reads nothing, so the limit has to be checked on the bytes it holds. No Content-Length is declared.
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, _ =>
        {
            var body = Encoding.UTF8.GetBytes("{\"id\":12,\"object\":\"job\",\"x\":\"" + new string('a', 2 << 20) + "\"}");
            var content = new StreamContent(new NonSeekable(body)) { Headers = { ContentType = new("application/json") } };
            content.LoadIntoBufferAsync().GetAwaiter().GetResult();
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });
        using var client = api.Client(o => o.MaxResponseSize = 1 << 20);

        var error = await Assert.ThrowsAsync<TeamUpResponseTooLargeException>(() => api.Run(() => client.Jobs.RetrieveAsync(12)));

        Assert.Single(api.Requests);
        Assert.Equal(1 << 20, error.Limit);
    }

    [Fact]
    public async Task An_answer_within_the_limit_is_read_as_before()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(null)));
        using var client = api.Client(o => o.MaxResponseSize = 1024);

        var job = await api.Run(() => client.Jobs.RetrieveAsync(12));

        Assert.Equal(12, job.Id);
    }

    // ---- 1. Export files are checked: type, first bytes, size ----

    [Theory]
    [InlineData("text/html", "<html><body>Access denied</body></html>", "text/html")]
    [InlineData("application/xml", "<Error><Code>AccessDenied</Code></Error>", "application/xml")]
    [InlineData("image/png", "PNG", "image/png")]
    public async Task A_download_of_the_wrong_type_is_refused_and_nothing_is_written(string mediaType, string body, string named)
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(Storage)));
        api.On(HttpMethod.Get, "https://storage.test/*", _ => File(mediaType, Encoding.UTF8.GetBytes(body)));
        using var client = api.Client();
        using var file = new MemoryStream();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.GetExportJob(12, ReportFormat.Csv).DownloadToAsync(file)));

        Assert.Equal(0, file.Length);
        Assert.Equal(ExportJob.DownloadOperation, error.Operation);
        Assert.Contains(named, error.Message);
        Assert.Contains("not the CSV file that was asked for", error.Message);
    }

    public static TheoryData<string, byte[], bool, string> WrongFirstBytes() => new()
    {
        { "application/octet-stream", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0], false, "gzip" },
        { "application/octet-stream", new byte[4096], false, "binary data" },
        { "text/csv", "\n  <!DOCTYPE html><html>"u8.ToArray(), false, "markup" },
        { "application/octet-stream", "PK\u0003\u0004zip"u8.ToArray(), true, "zip" },
        { "application/json", "id,total\n1,2\n"u8.ToArray(), true, "JSON array or object" },
        { "text/csv", "[{\"id\":1}]"u8.ToArray(), false, "starts like JSON" },
    };

    [Theory]
    [MemberData(nameof(WrongFirstBytes))]
    public async Task A_download_whose_first_bytes_are_not_the_format_is_refused(string mediaType, byte[] body, bool json, string why)
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(Storage)));
        api.On(HttpMethod.Get, "https://storage.test/*", _ => File(mediaType, body));
        using var client = api.Client();
        using var file = new MemoryStream();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() =>
            api.Run(() => client.Jobs.GetExportJob(12, json ? ReportFormat.Json : ReportFormat.Csv).DownloadToAsync(file)));

        Assert.Equal(0, file.Length);
        Assert.Contains(why, error.Message);
    }

    [Theory]
    [InlineData("text/csv", "\uFEFFid,total\r\n1,2\r\n", false)]
    [InlineData("application/octet-stream", "id\n1\n", false)]
    [InlineData("application/json; charset=utf-8", "  \n{\"rows\":[]}", true)]
    [InlineData("text/plain", "", false)]
    public async Task Ordinary_files_pass_the_checks_byte_for_byte(string mediaType, string body, bool json)
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(Storage)));
        var bytes = Encoding.UTF8.GetBytes(body);
        api.On(HttpMethod.Get, "https://storage.test/*", _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new ByteArrayContent(bytes) { Headers = { ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(mediaType) } },
        });
        using var client = api.Client();
        using var file = new MemoryStream();

        await api.Run(() => client.Jobs.GetExportJob(12, json ? ReportFormat.Json : ReportFormat.Csv).DownloadToAsync(file));

        Assert.Equal(bytes, file.ToArray());
    }

    [Fact]
    public async Task The_caller_bounds_a_download_and_no_more_than_the_bound_is_written()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(Storage)));
        var source = new EndlessCsv();
        api.On(HttpMethod.Get, "https://storage.test/*", _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(source) { Headers = { ContentType = new("text/csv") } } });
        using var client = api.Client(o => o.MaxDownloadSize = 100_000);
        using var file = new MemoryStream();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.GetExportJob(12).DownloadToAsync(file)));

        Assert.InRange(file.Length, 1, 100_000);
        Assert.Contains("larger than 100000 bytes", error.Message);
        Assert.Contains("MaxDownloadSize", error.Message);
        Assert.InRange(source.Served, 100_000, 400_000);
    }

    [Fact]
    public async Task A_declared_length_over_the_bound_is_refused_before_reading()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(Storage)));
        api.On(HttpMethod.Get, "https://storage.test/*", _ => File("text/csv", Encoding.UTF8.GetBytes("id\n" + string.Concat(Enumerable.Repeat("1\n", 10_000)))));
        using var client = api.Client(o => o.MaxDownloadSize = 1024);
        using var file = new MemoryStream();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.GetExportJob(12).DownloadToAsync(file)));

        Assert.Equal(0, file.Length);
        Assert.Contains("it declared", error.Message);
    }

    [Fact]
    public async Task Rows_are_not_read_from_an_html_page()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(Storage)));
        api.On(HttpMethod.Get, "https://storage.test/*", _ => File("text/html", "<html>sign in</html>"u8.ToArray()));
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.GetExportJob(12).ReadRowsAsync().ToListAsync().AsTask()));

        Assert.Contains("text/html", error.Message);
    }

    // ---- 1. Excerpts of server text are bounded ----

    [Fact]
    public async Task A_ten_megabyte_detail_makes_a_short_message()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.BadRequest, "{\"detail\":\"" + new string('x', 10 << 20) + "\"}",
            r => r.Headers.TryAddWithoutValidation("X-Request-Id", new string('r', 100_000))));
        using var client = api.Client(o => o.MaxResponseSize = 32 << 20);

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(12)));

        Assert.InRange(error.Message.Length, 100, 1200);
        Assert.InRange(error.ResponseExcerpt!.Length, 100, TeamUpApiException.MaxExcerptLength + 1);
        Assert.InRange(error.RequestId!.Length, 10, 129);
    }

    [Fact]
    public async Task A_ten_megabyte_value_in_a_typed_field_makes_a_short_message()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK,
            "{\"id\":12,\"object\":\"job\",\"result_url\":null,\"total_items\":\"" + new string('9', 10 << 20) + "x\"}"));
        using var client = api.Client(o => o.MaxResponseSize = 32 << 20);

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(12)));

        Assert.InRange(error.Message.Length, 50, 1200);
    }

    // ---- 2. Credentials never on a download hop; the literal secret is masked everywhere ----

    [Fact]
    public async Task A_redirect_from_the_file_host_to_the_api_gets_no_credentials()
    {
        using var api = new FakeTeamUp();
        var onApi = FakeTeamUp.Base + "invoices?page=1";
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(Storage)));
        api.On(HttpMethod.Get, "https://storage.test/*", FakeTeamUp.Answer(HttpStatusCode.Found, "", r => r.Headers.Location = new Uri(onApi)));
        api.On(HttpMethod.Get, FakeTeamUp.Base + "invoices*", request => request.Headers.Authorization is null
            ? FakeTeamUp.Json(HttpStatusCode.Unauthorized, """{"detail":"no credentials"}""")
            : File("text/csv", "id,email\n1,customer@example.com\n"u8.ToArray()));
        using var client = api.Client();
        using var file = new MemoryStream();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.GetExportJob(12).DownloadToAsync(file)));

        Assert.Equal(401, error.StatusCode);
        Assert.Equal(0, file.Length);
        Assert.Null(Assert.Single(api.Requests, r => r.Uri.AbsolutePath.EndsWith("/invoices", StringComparison.Ordinal)).Authorization);
    }

    [Fact]
    public async Task The_bare_key_echoed_in_detail_request_id_and_excerpt_is_masked()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.BadRequest, $$"""{"detail":"key {{FakeTeamUp.Key}} is not valid for this provider"}""",
            r => r.Headers.Add("X-Request-Id", "req-" + FakeTeamUp.Key)));
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(12)));

        Assert.DoesNotContain(FakeTeamUp.Key, error.Message);
        Assert.DoesNotContain(FakeTeamUp.Key, error.ResponseExcerpt);
        Assert.DoesNotContain(FakeTeamUp.Key, error.RequestId);
        Assert.Contains("key *** is not valid", error.Message);
    }

    [Fact]
    public async Task The_bare_key_quoted_by_the_json_parser_is_masked()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, $$"""{"id":12,"object":"job","result_url":null,"total_items":"{{FakeTeamUp.Key}}"}"""));
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(12)));

        Assert.DoesNotContain(FakeTeamUp.Key, error.ToString());
    }

    [Fact]
    public async Task A_bearer_token_echoed_url_encoded_is_masked()
    {
        const string token = "eyJhbGciOi.J9/abc+def=";
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.NotFound, "{\"detail\":\"no job for " + Uri.EscapeDataString(token) + "\"}"));
        using var client = api.Client(o => { o.ApiKey = null; o.AccessToken = token; });

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(12)));

        Assert.DoesNotContain(Uri.EscapeDataString(token), error.Message);
        Assert.Contains("no job for ***", error.Message);
    }

    [Fact]
    public async Task Control_characters_from_the_server_are_shown_not_acted_on()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.BadRequest,
            """{"detail":"bad\u001b[2J\u001b]0;pwned\u0007\nteamup: all good\u202e"}""", r => r.Headers.TryAddWithoutValidation("X-Request-Id", "r\u001b[31m")));
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(12)));

        Assert.DoesNotContain(error.Message, c => char.IsControl(c) || c == '\u202E');
        Assert.Contains("bad\\x1B[2J", error.Message);
        Assert.Contains("\\x0Ateamup: all good\\u202E", error.Message);
    }

    // ---- 7. A 200 HTML page, .NET type names, ".." ----

    [Fact]
    public async Task An_html_page_with_status_200_gets_the_not_json_hint()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("<html><body>Please sign in to the Wi-Fi</body></html>", Encoding.UTF8, "text/html"),
        });
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(12)));

        Assert.Equal(200, error.StatusCode);
        Assert.Equal(TeamUpFailureKind.Unreadable, error.Kind);
        Assert.Contains("text/html, not JSON", error.Message);
    }

    [Fact]
    public async Task Parse_errors_name_json_types_not_dotnet_types_and_end_in_one_full_stop()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, """{"id":12,"object":"job","result_url":null,"total_items":1,"complete_items":"many"}"""));
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(12)));

        Assert.DoesNotContain("System.", error.Message);
        Assert.DoesNotContain("`1", error.Message);
        Assert.Contains("integer", error.Message);
        Assert.DoesNotContain("..", error.Message);
        Assert.EndsWith(".", error.Message);
    }

    private sealed class NonSeekable(byte[] bytes) : SourceStream
    {
        private int _position;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = Math.Min(buffer.Length, bytes.Length - _position);
            bytes.AsSpan(_position, count).CopyTo(buffer.Span);
            _position += count;
            return ValueTask.FromResult(count);
        }
    }

    private sealed class EndlessJson : SourceStream
    {
        private bool _started;

        public long Served { get; private set; }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = Math.Min(buffer.Length, 16384);
            buffer.Span[..count].Fill((byte)' ');
            if (!_started)
            {
                buffer.Span[0] = (byte)'{';
                _started = true;
            }
            Served += count;
            return ValueTask.FromResult(count);
        }
    }

    private sealed class EndlessCsv : SourceStream
    {
        public long Served { get; private set; }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = Math.Min(buffer.Length, 16384);
            for (var i = 0; i < count; i++)
            {
                buffer.Span[i] = (Served + i) % 2 == 0 ? (byte)'1' : (byte)'\n';
            }
            Served += count;
            return ValueTask.FromResult(count);
        }
    }
}

/// <summary>A loopback HTTP/1.1 server that answers every request with the same raw head and body.</summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    private RawHttpServer(TcpListener listener, string head, byte[] body)
    {
        _listener = listener;
        _loop = Task.Run(() => ServeAsync(head, body));
    }

    public Uri BaseUrl => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/api/v2/");

    public int Requests => Volatile.Read(ref _requests);

    public static Task<RawHttpServer> StartAsync(string head, byte[] body)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return Task.FromResult(new RawHttpServer(listener, head, body));
    }

    private async Task ServeAsync(string head, byte[] body)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient connection;
            try
            {
                connection = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using (connection)
                {
                    try
                    {
                        var stream = connection.GetStream();
                        var buffer = new byte[8192];
                        var seen = new StringBuilder();
                        while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                        {
                            var read = await stream.ReadAsync(buffer, _stop.Token);
                            if (read == 0) return;
                            seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
                        }
                        Interlocked.Increment(ref _requests);
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n"), _stop.Token);
                        await stream.WriteAsync(body, _stop.Token);
                    }
                    catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
                    {
                    }
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
