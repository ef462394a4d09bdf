using System.Buffers;

namespace TeamUp.Generated;

/// <summary>Reads an API answer into memory, up to a limit counted in decompressed bytes.</summary>
internal static class BoundedContent
{
    public static async Task<HttpContent> ReadAsync(HttpResponseMessage response, string operation, long limit, CancellationToken cancellationToken)
    {
        var content = response.Content;
        var declared = content.Headers.ContentLength;
        var status = (int)response.StatusCode;
        // A declared length is only trusted to refuse early: a compressed answer declares its compressed size.
        var compressed = content.Headers.ContentEncoding.Count > 0;
        if (declared > limit && !compressed)
        {
            throw new TeamUpResponseTooLargeException(operation, status, limit, declared);
        }
        var buffer = new MemoryStream(declared is { } known && known <= limit && !compressed ? (int)known : 0);
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var chunk = ArrayPool<byte>.Shared.Rent(81920);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > limit)
                    {
                        throw new TeamUpResponseTooLargeException(operation, status, limit, declared);
                    }
                    buffer.Write(chunk, 0, read);
                }
            }
            catch (IOException exception)
            {
                // As LoadIntoBufferAsync reported it: a body cut short is a failed attempt that the retry policy retries.
                throw new HttpRequestException(exception is HttpIOException http ? http.HttpRequestError : HttpRequestError.Unknown,
                    "Error while copying content to a stream.", exception);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
        var bytes = new ByteArrayContent(buffer.GetBuffer(), 0, (int)buffer.Length);
        foreach (var header in content.Headers)
        {
            // The length is that of the bytes now held; the rest (type, encoding, disposition) describes them as before.
            if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                bytes.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
        content.Dispose();
        return bytes;
    }
}
