namespace TeamUp.Generated;

/// <summary>
/// The body of an export file as the SDK reads it. A file may take as long as it needs, but a stalled connection must
/// not hang a nightly job forever: a read that gets no bytes within <see cref="TeamUpClientOptions.DownloadIdleTimeout"/>
/// fails (<see cref="TeamUpDownloadStalledException"/>), and so does a connection lost midway (<see cref="TeamUpFailureKind.Transport"/>).
/// </summary>
internal sealed class ExportFileStream : ExportFileLayer
{
    private readonly TimeSpan _idleTimeout;
    private readonly string _idleSetting;
    private readonly TimeProvider _time;
    private CancellationTokenSource _idle;

    // idleSetting: what set the idle timeout, for the message of a stall.
    public ExportFileStream(Stream inner, TimeSpan idleTimeout, string idleSetting, TimeProvider time) : base(inner)
    {
        _idleTimeout = idleTimeout;
        _idleSetting = idleSetting;
        _time = time;
        // One timer for the whole file, re-armed before each read and disarmed after it, rather than a timer per read.
        _idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
    }


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
            return await Inner.ReadAsync(buffer, linked?.Token ?? _idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (_idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TeamUpDownloadStalledException(_idleTimeout, _idleSetting, exception);
        }
        catch (IOException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw _idle.IsCancellationRequested
                ? new TeamUpDownloadStalledException(_idleTimeout, _idleSetting, exception)
                : TeamUpApiException.ConnectionLost(exception);
        }
        finally
        {
            _idle.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }




    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _idle.Dispose();
        }
        base.Dispose(disposing);
    }
}
