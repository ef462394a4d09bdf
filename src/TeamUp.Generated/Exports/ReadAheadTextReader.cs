using System.Text;

namespace TeamUp.Generated;

/// <summary>
/// Text decoded from a stream into a buffer filled asynchronously ahead of the parser, so that a synchronous parser
/// (Newtonsoft's per-token async path is several times slower) works on text already in memory. A read that finds
/// the buffer empty (a row longer than the read-ahead) falls back to reading synchronously.
/// </summary>
internal sealed class ReadAheadTextReader(Stream stream, int readAhead) : TextReader
{
    private readonly StreamReader _inner = new(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 16 * 1024);
    private readonly char[] _buffer = new char[readAhead * 2];
    private int _start;
    private int _end;
    private bool _ended;

    /// <summary>Characters in memory, not yet handed to the parser.</summary>
    public int Buffered => _end - _start;

    /// <summary>Whether the stream has ended and everything was handed out.</summary>
    public bool AtEnd => _ended && _start == _end;

    /// <summary>Reads until <c>readAhead</c> characters are buffered or the stream ends.</summary>
    public async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        Compact();
        while (!_ended && _end < readAhead)
        {
            var read = await _inner.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _ended = true;
            }
            _end += read;
        }
    }

    public override int Peek()
    {
        if (_start == _end && !FillSynchronously())
        {
            return -1;
        }
        return _buffer[_start];
    }

    public override int Read()
    {
        if (_start == _end && !FillSynchronously())
        {
            return -1;
        }
        return _buffer[_start++];
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        if (_start == _end && !FillSynchronously())
        {
            return 0;
        }
        var count = Math.Min(buffer.Length, _end - _start);
        _buffer.AsSpan(_start, count).CopyTo(buffer);
        _start += count;
        return count;
    }

    private bool FillSynchronously()
    {
        if (_ended)
        {
            return false;
        }
        Compact();
        var read = _inner.Read(_buffer.AsSpan(_end));
        if (read == 0)
        {
            _ended = true;
        }
        _end += read;
        return read > 0;
    }

    private void Compact()
    {
        if (_start == 0)
        {
            return;
        }
        _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        _end -= _start;
        _start = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
