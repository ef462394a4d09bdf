using Newtonsoft.Json;
using TeamUp.Generated;

namespace TeamUp.Cli.Commands;

/// <summary>
/// Counts the rows of a downloaded export file, so that the summary says what the file holds. A JSON file that does not
/// parse is refused here (it is not moved into place).
/// </summary>
internal static class ExportRowCounter
{
    public static Task<int> CountAsync(Stream file, bool json, CancellationToken cancellationToken) =>
        json ? CountJsonAsync(file, cancellationToken) : CountCsvAsync(file, cancellationToken);

    /// <summary>Records outside quotes, less the header line; a last record without a line break counts too.</summary>
    internal static async Task<int> CountCsvAsync(Stream file, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        var records = 0;
        var quoted = false;
        var lineHasContent = false;
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
        {
            foreach (var b in buffer.AsSpan(0, read))
            {
                if (b == (byte)'"')
                {
                    quoted = !quoted;
                    lineHasContent = true;
                }
                else if (b == (byte)'\n' && !quoted)
                {
                    if (lineHasContent)
                    {
                        records++;
                    }
                    lineHasContent = false;
                }
                else if (b != (byte)'\r' && !(b == 0xEF || b == 0xBB || b == 0xBF) || quoted)
                {
                    lineHasContent = true;
                }
            }
        }
        if (lineHasContent)
        {
            records++;
        }
        return Math.Max(0, records - 1);
    }

    /// <summary>The elements of a top-level array, or of the <c>rows</c> (or <c>results</c>) array of a top-level object.</summary>
    internal static async Task<int> CountJsonAsync(Stream file, CancellationToken cancellationToken)
    {
        using var text = new StreamReader(file, leaveOpen: true);
        using var reader = new JsonTextReader(text) { DateParseHandling = DateParseHandling.None, MaxDepth = 64 };
        try
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return 0;
            }
            var count = 0;
            if (reader.TokenType == JsonToken.StartArray)
            {
                count = await CountElementsAsync(reader, cancellationToken);
            }
            else if (reader.TokenType == JsonToken.StartObject)
            {
                while (await reader.ReadAsync(cancellationToken) && reader.TokenType == JsonToken.PropertyName)
                {
                    var name = (string?)reader.Value;
                    await reader.ReadAsync(cancellationToken);
                    if (name is "rows" or "results" && reader.TokenType == JsonToken.StartArray)
                    {
                        count = await CountElementsAsync(reader, cancellationToken);
                    }
                    else
                    {
                        await reader.SkipAsync(cancellationToken);
                    }
                }
            }
            else
            {
                throw Invalid("it is not a JSON array or object");
            }
            // The rest must parse too: a file cut short or with trailing garbage is not the file that was asked for.
            if (reader.Depth != 0 || reader.TokenType is not (JsonToken.EndArray or JsonToken.EndObject))
            {
                throw Invalid("it ends in the middle (cut short?)");
            }
            while (await reader.ReadAsync(cancellationToken))
            {
            }
            return count;
        }
        catch (JsonReaderException e)
        {
            throw Invalid($"it is not valid JSON (line {e.LineNumber}, position {e.LinePosition})");
        }
    }

    private static async Task<int> CountElementsAsync(JsonTextReader reader, CancellationToken cancellationToken)
    {
        var count = 0;
        while (await reader.ReadAsync(cancellationToken) && reader.TokenType != JsonToken.EndArray)
        {
            count++;
            await reader.SkipAsync(cancellationToken);
        }
        return count;
    }

    private static TeamUpApiException Invalid(string why) =>
        new(TeamUpFailureKind.Unreadable, $"{ExportJob.DownloadOperation} failed: the downloaded file was not moved into place: {why}.", 200, ExportJob.DownloadOperation);
}
