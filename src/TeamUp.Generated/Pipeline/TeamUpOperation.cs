namespace TeamUp.Generated;

/// <summary>
/// Names the TeamUp operation (its operationId, e.g. <c>Invoices_List</c>) a request belongs to. Every generated
/// call stamps it on the request, so that errors, logs and traces can say which operation failed.
/// </summary>
public static class TeamUpOperation
{
    /// <summary>The request option that carries the operationId.</summary>
    public static readonly HttpRequestOptionsKey<string> RequestOption = new("TeamUp.Operation");

    /// <summary>
    /// Marks a request whose answer is streamed to the caller (an export file) instead of read whole within the attempt:
    /// the pipeline neither buffers it nor bounds it by <see cref="TeamUpClientOptions.MaxResponseSize"/>.
    /// </summary>
    internal static readonly HttpRequestOptionsKey<bool> StreamedOption = new("TeamUp.Streamed");

    /// <summary>Whether <paramref name="request"/> is marked <see cref="StreamedOption"/>.</summary>
    internal static bool IsStreamed(HttpRequestMessage request) => request.Options.TryGetValue(StreamedOption, out var streamed) && streamed;

    /// <summary>The operationId stamped on <paramref name="request"/>, if any.</summary>
    /// <param name="request">A request sent by a generated client.</param>
    public static string? Of(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(RequestOption, out var id) ? id : null;
}
