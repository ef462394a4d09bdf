using System.Globalization;
using System.Net;
using System.Text;

namespace TeamUp.Benchmarks;

/// <summary>
/// An invoices-report export of any length, generated as it is read (nothing holds the file): CSV with the report's
/// dotted headers and bare amounts, or JSON rows with money objects, as TeamUp writes them. 1,024 distinct rows are
/// formatted once and repeated, so generating costs a copy, not a format, and does not blur the readers' ratios.
/// </summary>
internal sealed class GeneratedExport : Stream
{
    private const int Distinct = 1024;
    private readonly byte[] _head;
    private readonly byte[][] _rows;
    private readonly byte[] _separator;
    private readonly byte[] _tail;
    private readonly int _count;
    private int _next = -1; // the row last handed out
    private bool _separated;
    private bool _tailed;
    private byte[] _current;
    private int _offset;

    private GeneratedExport(int count, bool json)
    {
        _count = count;
        _head = Encoding.UTF8.GetBytes(json ? "[" : "id,due_date,status,customer.id,customer.name,total_amount,paid_at,purchase_type\n");
        _separator = json ? Encoding.UTF8.GetBytes(",") : [];
        _tail = Encoding.UTF8.GetBytes(json ? "]" : "");
        _rows = Enumerable.Range(0, Distinct).Select(i => Encoding.UTF8.GetBytes(json ? JsonRow(i) : CsvRow(i))).ToArray();
        _current = _head;
    }

    public static Stream Csv(int rows) => new GeneratedExport(rows, json: false);

    public static Stream Json(int rows) => new GeneratedExport(rows, json: true);

    private static string CsvRow(int i) => string.Create(CultureInfo.InvariantCulture,
        $"{100_000 + i},2025-{1 + i % 12:D2}-{1 + i % 28:D2},{(i % 5 == 0 ? "open" : "paid")},{5_000 + i % 300},Customer {i % 300},{i % 997}.{i % 100:D2},{(i % 5 == 0 ? "" : $"2025-{1 + i % 12:D2}-{1 + i % 28:D2}")},{(i % 3 == 0 ? "membership" : "store_order")}\n");

    private static string JsonRow(int i)
    {
        var amount = string.Create(CultureInfo.InvariantCulture, $"{i % 997}.{i % 100:D2}");
        var paid = i % 5 == 0 ? "null" : string.Create(CultureInfo.InvariantCulture, $"\"2025-{1 + i % 12:D2}-{1 + i % 28:D2}\"");
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"id\":{100_000 + i},\"due_date\":\"2025-{1 + i % 12:D2}-{1 + i % 28:D2}\",\"status\":\"{(i % 5 == 0 ? "open" : "paid")}\",\"customer\":{{\"id\":{5_000 + i % 300},\"name\":\"Customer {i % 300}\"}},")
            + $"\"total_amount\":{{\"decimal\":{amount},\"string\":\"€{amount}\",\"iso_currency_code\":\"eur\",\"currency_symbol\":\"€\",\"currency_symbol_position\":\"before\"}},"
            + $"\"paid_at\":{paid},\"purchase_type\":\"{(i % 3 == 0 ? "membership" : "store_order")}\"}}";
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            if (_offset == _current.Length && !Advance())
            {
                break;
            }
            var n = Math.Min(buffer.Length - written, _current.Length - _offset);
            _current.AsSpan(_offset, n).CopyTo(buffer[written..]);
            _offset += n;
            written += n;
        }
        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    // head, row 0, (separator, row 1), …, tail, end
    private bool Advance()
    {
        if (_next + 1 < _count)
        {
            if (_separator.Length > 0 && _next >= 0 && !_separated)
            {
                _separated = true;
                _current = _separator;
                _offset = 0;
                return true;
            }
            _separated = false;
            _next++;
            _current = _rows[_next % Distinct];
            _offset = 0;
            return true;
        }
        if (!_tailed)
        {
            _tailed = true;
            _current = _tail;
            _offset = 0;
            return true;
        }
        return false;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Answers a job poll with a finished job and its file download with a freshly generated export, all in memory.</summary>
internal sealed class ExportFileHost(Func<Stream> file, string mediaType) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = request.RequestUri!.AbsolutePath.EndsWith("/jobs/1", StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("{\"id\":1,\"object\":\"job\",\"result_url\":\"http://127.0.0.1:9/files/1\",\"total_items\":1,\"complete_items\":1}", Encoding.UTF8, "application/json"),
            }
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(file()) { Headers = { { "Content-Type", mediaType } } } };
        response.RequestMessage = request;
        return Task.FromResult(response);
    }
}
