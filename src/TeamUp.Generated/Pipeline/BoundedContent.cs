namespace TeamUp.Generated;

/// <summary>Reads an API answer into memory, up to a limit counted in decompressed bytes.</summary>
internal static class BoundedContent
{
    /// <summary>
    /// Buffers <paramref name="response"/>'s content in place (<see cref="HttpContent.LoadIntoBufferAsync(long, CancellationToken)"/>)
    /// or fails with <see cref="TeamUpResponseTooLargeException"/>. In place, not into a copy: the bytes are held once, and
    /// the content keeps its own headers (a copy cost every call a second content object and its headers).
    /// </summary>
    public static async Task ReadAsync(HttpResponseMessage response, string operation, long limit, CancellationToken cancellationToken)
    {
        var content = response.Content;
        // The length the server declared, or, for content already held in memory (an inner handler buffered it), its
        // length: such content is not read again below, so this is where it meets the limit.
        var declared = content.Headers.ContentLength;
        var status = (int)response.StatusCode;
        // A declared length is only trusted to refuse early when it counts the bytes we will hold: a compressed answer
        // that the transport inflates has its length removed, one it does not inflate is held as sent.
        if (declared > limit)
        {
            throw new TeamUpResponseTooLargeException(operation, status, limit, declared);
        }
        try
        {
            // Counts the bytes as they arrive (after decompression) and stops at the limit, without reading the rest.
            await content.LoadIntoBufferAsync(Math.Min(limit, int.MaxValue), cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception) when (exception.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            throw new TeamUpResponseTooLargeException(operation, status, limit, declared);
        }
        // A body cut short surfaces as HttpRequestException (as LoadIntoBufferAsync reports it): a failed attempt that the
        // retry policy retries like a dropped connection.
    }
}
