namespace TeamUp.Generated;

/// <summary>
/// Makes sure an export file is the file that was asked for before any of it is handed on: the content type must be
/// one a CSV or JSON file comes with (an HTML sign-in or "Access denied" page with status 200 is refused), the first
/// bytes must look like the format (not markup, not gzip or zip, not binary zeros), and the size stays within
/// <see cref="TeamUpClientOptions.MaxDownloadSize"/> when the caller set one.
/// </summary>
internal sealed class ExportFileCheck : ExportFileLayer
{
    private const int SniffLength = 512;

    private static readonly string[] CsvTypes =
        ["text/csv", "application/csv", "text/x-csv", "application/x-csv", "text/comma-separated-values", "application/vnd.ms-excel", "text/plain"];

    private static readonly string[] AnyTypes = ["application/octet-stream", "binary/octet-stream", "application/force-download", "application/download"];

    private readonly bool _json;
    private readonly long? _maxBytes;
    private readonly string _sizeSetting;
    private byte[]? _head;
    private int _headOffset;
    private int _headLength;
    private long _total;

    private ExportFileCheck(Stream inner, bool json, long? maxBytes, string sizeSetting) : base(inner)
    {
        _sizeSetting = sizeSetting;
        _json = json;
        _maxBytes = maxBytes;
    }

    /// <summary>Refuses a response whose content type is not a data file of the expected format; wraps its body otherwise.</summary>
    public static Stream Wrap(HttpResponseMessage response, Stream body, bool json, long? maxBytes, string sizeSetting, string? secret)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType?.Trim().ToLowerInvariant();
        if (mediaType is { Length: > 0 })
        {
            var isJsonType = mediaType.Contains("json", StringComparison.Ordinal);
            var fits = json ? isJsonType || mediaType == "text/plain" : CsvTypes.Contains(mediaType);
            if (!fits && !AnyTypes.Contains(mediaType))
            {
                body.Dispose();
                throw Refused($"the file is {ServerText.Quote(mediaType, secret, 100)}, not the {(json ? "JSON" : "CSV")} file that was asked for" +
                              (mediaType.Contains("html", StringComparison.Ordinal) || mediaType.Contains("xml", StringComparison.Ordinal)
                                  ? " (an error or sign-in page from the file host or a proxy?)" : "") + "; nothing was written");
            }
        }
        if (response.Content.Headers.ContentLength is { } declared && maxBytes is { } max && declared > max
            && response.Content.Headers.ContentEncoding.Count == 0)
        {
            body.Dispose();
            throw TeamUpApiException.FileTooLarge(max, declared, sizeSetting);
        }
        return new ExportFileCheck(body, json, maxBytes, sizeSetting);
    }


    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_head is null)
        {
            await SniffAsync(cancellationToken).ConfigureAwait(false);
        }
        int read;
        if (_headOffset < _headLength)
        {
            read = Math.Min(buffer.Length, _headLength - _headOffset);
            _head.AsMemory(_headOffset, read).CopyTo(buffer);
            _headOffset += read;
            return read;
        }
        read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Count(read);
        return read;
    }

    private void Count(int read)
    {
        _total += read;
        if (_maxBytes is { } max && _total > max)
        {
            throw TeamUpApiException.FileTooLarge(max, null, _sizeSetting);
        }
    }

    private async Task SniffAsync(CancellationToken cancellationToken)
    {
        var head = new byte[SniffLength];
        var length = 0;
        int read;
        while (length < head.Length && (read = await Inner.ReadAsync(head.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
        }
        Count(length);
        if (Problem(head.AsSpan(0, length), _json) is { } problem)
        {
            throw Refused($"{problem}; it is not the {(_json ? "JSON" : "CSV")} file that was asked for, and nothing was written");
        }
        _head = head;
        _headLength = length;
    }

    /// <summary>What is wrong with the start of a file, or null when it may be one of the format.</summary>
    internal static string? Problem(ReadOnlySpan<byte> head, bool json)
    {
        if (head.IsEmpty)
        {
            return null; // an empty file is honest about having nothing
        }
        if (head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B)
        {
            return "the file is still gzip-compressed";
        }
        if (head.Length >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
        {
            return "the file is a zip archive";
        }
        var text = head.StartsWith("\uFEFF"u8) ? head[3..] : head;
        foreach (var b in text)
        {
            if (b < 0x20 && b is not (byte)'\t' and not (byte)'\r' and not (byte)'\n')
            {
                return "the file starts with binary data (control bytes such as NUL)";
            }
        }
        var first = text.TrimStart(" \t\r\n"u8);
        if (first.IsEmpty)
        {
            return null;
        }
        if (first[0] == (byte)'<')
        {
            return "the file is markup (HTML or XML), such as an error page";
        }
        if (json && first[0] is not (byte)'[' and not (byte)'{')
        {
            return "the file does not start with a JSON array or object";
        }
        if (!json && first[0] is (byte)'[' or (byte)'{')
        {
            return "the file starts like JSON";
        }
        return null;
    }

    private static TeamUpApiException Refused(string why) => TeamUpApiException.UnreadableFile(why + ".");

}
