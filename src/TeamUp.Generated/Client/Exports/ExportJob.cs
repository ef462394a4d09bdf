using System.Globalization;
using System.Runtime.CompilerServices;
using CsvHelper;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using TeamUp.Generated.Serialization;

namespace TeamUp.Generated;

/// <summary>
/// A report export running on TeamUp: wait for it (<see cref="WaitForCompletionAsync"/>), then download the file
/// (<see cref="DownloadToAsync"/>) or read its rows (<see cref="ReadRowsAsync{T}"/>). The file is fetched from
/// <c>result_url</c> without TeamUp's credentials unless that URL is on the API's own origin; redirects are followed
/// one by one and checked. Resume a job from its id with <see cref="IJobsClient.GetExportJob"/>.
/// </summary>
public sealed class ExportJob
{
    /// <summary>The operation name that downloads and errors of the result file carry.</summary>
    public const string DownloadOperation = "Jobs_DownloadResult";

    private const int MaxRedirects = 5;

    private readonly IJobsClient _jobs;
    private readonly TeamUpClientContext _context;

    internal ExportJob(int id, ReportFormat? format, IJobsClient jobs, TeamUpClientContext context)
    {
        Id = id;
        Format = format;
        _jobs = jobs;
        _context = context;
    }

    /// <summary>The job id (<c>GET /jobs/{id}</c>).</summary>
    public int Id { get; }

    /// <summary>The format asked for (TeamUp's default, CSV, when null); the file's content type decides when it says.</summary>
    public ReportFormat? Format { get; }

    /// <summary>The job as last polled, or null before the first poll.</summary>
    public Job? LastStatus { get; private set; }

    /// <summary>Whether the last poll saw the file ready.</summary>
    public bool IsComplete => LastStatus?.ResultUrl is not null;

    /// <summary>Polls the job once.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<Job> RefreshAsync(CancellationToken cancellationToken = default) =>
        (await PollAsync(cancellationToken).ConfigureAwait(false)).Job;

    /// <summary>
    /// Polls <c>GET /jobs/{id}</c> until <c>result_url</c> is set: the wait starts at
    /// <see cref="TeamUpClientOptions.ExportPollInterval"/> and doubles up to <see cref="TeamUpClientOptions.ExportMaxPollInterval"/>
    /// (by default <see cref="TeamUpClientOptions.MaxRetryDelay"/>),
    /// never shorter than a <c>Retry-After</c> the server sent; after <see cref="TeamUpClientOptions.ExportTimeout"/> it
    /// gives up with a <see cref="TeamUpApiException"/> (status 0). The job goes on on TeamUp's side; wait again later.
    /// </summary>
    /// <param name="progress">Receives <c>complete_items</c>/<c>total_items</c> after each poll.</param>
    /// <param name="cancellationToken">Stops waiting (the job goes on).</param>
    public async Task<Job> WaitForCompletionAsync(IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var options = _context.Options;
        var time = options.TimeProvider;
        var deadline = time.GetUtcNow() + options.ExportTimeout;
        var backoff = options.ExportPollInterval;
        var longest = options.ExportMaxPollInterval ?? options.MaxRetryDelay;
        while (true)
        {
            TimeSpan? retryAfter;
            try
            {
                var (job, after) = await PollAsync(cancellationToken).ConfigureAwait(false);
                progress?.Report(new ExportProgress(job.CompleteItems ?? 0, job.TotalItems, job.ResultUrl is not null));
                if (job.ResultUrl is not null)
                {
                    Log.JobComplete(_context.Logger, Id);
                    return job;
                }
                Log.JobProgress(_context.Logger, Id, job.CompleteItems ?? 0, job.TotalItems);
                retryAfter = after;
            }
            catch (TeamUpRateLimitedException limited)
            {
                // The client's own retries are spent; keep polling, as slowly as TeamUp asks.
                retryAfter = limited.RetryAfter ?? backoff;
            }
            var wait = retryAfter is { } asked && asked > backoff ? asked : backoff;
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, longest.Ticks));
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                var last = LastStatus;
                throw new TeamUpApiException(
                    $"Jobs_Retrieve failed: export job {Id} did not finish within {options.ExportTimeout} (TeamUpClientOptions.ExportTimeout); " +
                    $"{last?.CompleteItems ?? 0} of {last?.TotalItems ?? 0} items were done. The job goes on: wait for it again later.",
                    0, "Jobs_Retrieve", null, null, null, null);
            }
            await Task.Delay(wait < left ? wait : left, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the export file to <paramref name="destination"/> as it arrives (constant memory), waiting for the job first if needed.</summary>
    /// <param name="destination">Where the bytes go (not closed).</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    public async Task DownloadToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var response = await OpenResultAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            try
            {
                await body.CopyToAsync(destination, 81920, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException exception) when (!cancellationToken.IsCancellationRequested)
            {
                throw TeamUpTransportFailure.Create(DownloadOperation, exception);
            }
        }
    }

    /// <summary>The rows of the export file as column → cell text (JSON objects and arrays as compact JSON), streamed.</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    public async IAsyncEnumerable<IReadOnlyDictionary<string, string?>> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in ReadObjectsAsync(normalizeCsvHeaders: false, cancellationToken).ConfigureAwait(false))
        {
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var property in row.Properties())
            {
                values[property.Name] = property.Value switch
                {
                    JValue { Type: JTokenType.Null or JTokenType.Undefined } => null,
                    JValue value => Convert.ToString(value.Value, CultureInfo.InvariantCulture),
                    var other => other.ToString(Formatting.None),
                };
            }
            yield return values;
        }
    }

    /// <summary>
    /// The rows of the export file as <typeparamref name="T"/> (e.g. <see cref="InvoicesReportRow"/>), streamed, mapped by
    /// the JSON names of its properties. CSV headers are matched as column keys (<c>due_date</c>; a label such as
    /// <c>Due Date</c> is read as <c>due_date</c>), empty cells as null.
    /// </summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="cancellationToken">Stops reading.</param>
    public async IAsyncEnumerable<T> ReadRowsAsync<T>([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var serializer = JsonSerializer.Create(TeamUpJson.CreateSettings());
        await foreach (var row in ReadObjectsAsync(normalizeCsvHeaders: true, cancellationToken).ConfigureAwait(false))
        {
            T? value;
            try
            {
                value = row.ToObject<T>(serializer);
            }
            catch (JsonException exception)
            {
                throw Unreadable($"a row could not be read as {typeof(T).Name}: {exception.Message}", exception);
            }
            if (value is not null)
            {
                yield return value;
            }
        }
    }

    private async Task<(Job Job, TimeSpan? RetryAfter)> PollAsync(CancellationToken cancellationToken)
    {
        var result = _jobs is JobsClient concrete
            ? await concrete.RetrieveWithRetryAfterAsync(Id, cancellationToken).ConfigureAwait(false)
            : (await _jobs.RetrieveAsync(Id, cancellationToken).ConfigureAwait(false), null);
        LastStatus = result.Job;
        return result;
    }

    private async IAsyncEnumerable<JObject> ReadObjectsAsync(bool normalizeCsvHeaders, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await OpenResultAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(body);
        var rows = IsJson(response) ? ReadJsonRowsAsync(reader, cancellationToken) : ReadCsvRowsAsync(reader, normalizeCsvHeaders, cancellationToken);
        await foreach (var row in rows.ConfigureAwait(false))
        {
            yield return row;
        }
    }

    private bool IsJson(HttpResponseMessage response)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? string.Empty;
        if (mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (mediaType.Contains("csv", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (Format is { } format)
        {
            return format == ReportFormat.Json;
        }
        return response.RequestMessage?.RequestUri?.AbsolutePath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) == true;
    }

    private static async IAsyncEnumerable<JObject> ReadJsonRowsAsync(TextReader text, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var json = new JsonTextReader(text) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal, CloseInput = false };
        // Either a top-level array of rows, or an object with a "rows" (or "results") array, as the data endpoints answer.
        if (!await ReadJsonAsync(json, cancellationToken).ConfigureAwait(false))
        {
            yield break;
        }
        if (json.TokenType == JsonToken.StartObject)
        {
            var found = false;
            while (await ReadJsonAsync(json, cancellationToken).ConfigureAwait(false) && json.TokenType == JsonToken.PropertyName)
            {
                var name = (string?)json.Value;
                await ReadJsonAsync(json, cancellationToken).ConfigureAwait(false);
                if (!found && json.TokenType == JsonToken.StartArray && (name is "rows" or "results"))
                {
                    found = true;
                    await foreach (var row in ReadJsonArrayAsync(json, cancellationToken).ConfigureAwait(false))
                    {
                        yield return row;
                    }
                }
                else
                {
                    await SkipJsonAsync(json, cancellationToken).ConfigureAwait(false);
                }
            }
            if (json.TokenType != JsonToken.EndObject)
            {
                throw Unreadable("the JSON file ended early or is malformed.", null);
            }
            yield break;
        }
        if (json.TokenType != JsonToken.StartArray)
        {
            throw Unreadable($"the JSON file starts with {json.TokenType}, not an array or object of rows.", null);
        }
        await foreach (var row in ReadJsonArrayAsync(json, cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    private static async IAsyncEnumerable<JObject> ReadJsonArrayAsync(JsonTextReader json, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await ReadJsonAsync(json, cancellationToken).ConfigureAwait(false) && json.TokenType != JsonToken.EndArray)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (json.TokenType != JsonToken.StartObject)
            {
                throw Unreadable($"a row is {json.TokenType}, not an object.", null);
            }
            JObject row;
            try
            {
                row = await JObject.LoadAsync(json, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException exception)
            {
                throw Unreadable("the JSON file is malformed or was cut short: " + exception.Message, exception);
            }
            yield return row;
        }
        if (json.TokenType != JsonToken.EndArray)
        {
            throw Unreadable("the JSON file ended early (truncated download?).", null);
        }
    }

    private static async Task<bool> ReadJsonAsync(JsonTextReader json, CancellationToken cancellationToken)
    {
        try
        {
            return await json.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            throw Unreadable("the JSON file is malformed or was cut short: " + exception.Message, exception);
        }
    }

    private static async Task SkipJsonAsync(JsonTextReader json, CancellationToken cancellationToken)
    {
        try
        {
            await json.SkipAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            throw Unreadable("the JSON file is malformed or was cut short: " + exception.Message, exception);
        }
    }

    private static async IAsyncEnumerable<JObject> ReadCsvRowsAsync(TextReader text, bool normalizeHeaders, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
            IncludeValuesInExceptions = false, // cells can be personal data; errors say where, not what
            FormatProvider = CultureInfo.InvariantCulture,
        };
        using var csv = CsvReader.Create(text, options, leaveOpen: true);
        string[]? headers = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = new JObject();
            try
            {
                if (!await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }
                headers ??= (csv.Headers ?? []).Select(h => normalizeHeaders ? ColumnKey(h) : h).ToArray();
                for (var i = 0; i < headers.Length && i < csv.FieldCount; i++)
                {
                    var cell = csv.GetString(i);
                    row[headers[i]] = normalizeHeaders && string.IsNullOrEmpty(cell) ? JValue.CreateNull() : new JValue(cell);
                }
            }
            catch (FormatException exception) when (exception is CsvFormatException or CsvValidationException)
            {
                throw Unreadable($"CSV row {csv.RowNumber} could not be read ({exception.GetType().Name}).", exception);
            }
            yield return row;
        }
    }

    internal static string ColumnKey(string header)
    {
        var key = new System.Text.StringBuilder(header.Length);
        foreach (var c in header.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c == '.')
            {
                key.Append(c);
            }
            else if (key.Length > 0 && key[^1] != '_')
            {
                key.Append('_');
            }
        }
        return key.ToString().TrimEnd('_');
    }

    private static TeamUpApiException Unreadable(string what, Exception? inner) =>
        new($"{DownloadOperation} failed: {what}", 200, DownloadOperation, null, null, null, inner);

    private async Task<HttpResponseMessage> OpenResultAsync(CancellationToken cancellationToken)
    {
        var job = LastStatus is { ResultUrl: not null } done ? done : await WaitForCompletionAsync(null, cancellationToken).ConfigureAwait(false);
        var api = _context.Options.BaseUrl;
        var url = job.ResultUrl!.IsAbsoluteUri ? job.ResultUrl : new Uri(api, job.ResultUrl);
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            if (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && TeamUpClientOptions.IsLoopback(url)))
            {
                throw TeamUpTransportFailure.Refused(DownloadOperation, $"the export file is at a {url.Scheme}:// address on '{url.Host}'; only https:// is followed.");
            }
            // Credentials go only to the API's own origin; anything else (pre-signed storage URLs) gets a client without them.
            var onApi = TeamUpClientOptions.SameOrigin(url, api);
            var http = onApi ? _context.Api : _context.Download;
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Options.Set(TeamUpOperation.RequestOption, DownloadOperation);
            if (hop == 0)
            {
                Log.Downloading(_context.Logger, Id, url.Host);
            }
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not TeamUpApiException && TeamUpTransportFailure.IsTransportFailure(exception)
                && !cancellationToken.IsCancellationRequested)
            {
                throw TeamUpTransportFailure.Create(DownloadOperation, exception);
            }
            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                response.Dispose();
                url = location.IsAbsoluteUri ? location : new Uri(url, location);
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    var headers = new Dictionary<string, IEnumerable<string>>();
                    foreach (var header in response.Headers.Concat(response.Content.Headers))
                    {
                        headers[header.Key] = header.Value;
                    }
                    var body = await ReadExcerptAsync(response, cancellationToken).ConfigureAwait(false);
                    throw TeamUpApiException.FromResponse(response, "Downloading the export file failed.", status, body, headers, null);
                }
            }
            return response;
        }
        throw TeamUpTransportFailure.Refused(DownloadOperation, $"more than {MaxRedirects} redirects.");
    }

    private static async Task<string> ReadExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new char[TeamUpApiException.MaxExcerptLength + 1];
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
        return new string(buffer, 0, read);
    }
}
