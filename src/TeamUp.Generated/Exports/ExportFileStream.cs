namespace TeamUp.Generated;

/// <summary>
/// The body of an export file as the SDK reads it. A file may take as long as it needs, but a stalled connection must
/// not hang a nightly job forever: a read that gets no bytes within <see cref="TeamUpClientOptions.DownloadIdleTimeout"/>
/// fails, and so does a connection lost midway, both as a <see cref="TeamUpApiException"/> (status 0) naming the download.
/// </summary>
internal sealed class ExportFileStream : Stream
{
    private readonly Stream _inner;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _time;
    private CancellationTokenSource _idle;

    public ExportFileStream(Stream inner, TimeSpan idleTimeout, TimeProvider time)
    {
        _inner = inner;
        _idleTimeout = idleTimeout;
        _time = time;
        // One timer for the whole file, re-armed before each read and disarmed after it, rather than a timer per read.
        _idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_idle.IsCancellationRequested)
        {
            // The timer fired just after the previous read had its bytes; a cancelled source cannot be re-armed.
            _idle.Dispose();
            _idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        }
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.Token) : null;
        _idle.CancelAfter(_idleTimeout);
        try
        {
            return await _inner.ReadAsync(buffer, linked?.Token ?? _idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (_idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw IdleTimeout(_idleTimeout, exception);
        }
        catch (IOException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw _idle.IsCancellationRequested ? IdleTimeout(_idleTimeout, exception) : CutShort(exception);
        }
        finally
        {
            _idle.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // The SDK's readers are all asynchronous; a synchronous caller gets the same rules by waiting.
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _idle.Dispose();
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    // The response did arrive, so not TeamUpTransportFailure's "no response"; still status 0, as no status explains it.
    private static TeamUpApiException CutShort(IOException exception) =>
        new($"{ExportJob.DownloadOperation} failed: the connection was lost partway through the file: {ServerText.Quote(exception.Message, null)}",
            0, ExportJob.DownloadOperation, null, null, null, exception);

    internal static TeamUpApiException IdleTimeout(TimeSpan timeout, Exception? inner) =>
        new($"{ExportJob.DownloadOperation} failed: no data arrived for {timeout.TotalSeconds:0.###} s (TeamUpClientOptions.DownloadIdleTimeout); the connection looks stalled.",
            0, ExportJob.DownloadOperation, null, null, null, inner);
}
