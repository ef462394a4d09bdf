using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace TeamUp.Generated;

/// <summary>
/// The headers of a response as the generated clients hand them to exceptions and file responses: the response's
/// headers, then its content's (a content header wins over a response header of the same name). Copied on first use,
/// not per call: a successful answer never looks at them, and copying them cost every call a dictionary and an array
/// per header. The copy lets go of the response, so an exception that keeps these headers does not keep the response.
/// </summary>
internal sealed class ResponseHeaders(HttpResponseMessage response) : IReadOnlyDictionary<string, IEnumerable<string>>
{
    private HttpResponseMessage? _response = response;

    /// <summary>The headers of <paramref name="response"/>, copied when first read.</summary>
    public static ResponseHeaders Of(HttpResponseMessage response) => new(response);
    private Dictionary<string, IEnumerable<string>>? _copy;

    private Dictionary<string, IEnumerable<string>> Copy
    {
        get
        {
            if (Volatile.Read(ref _copy) is { } copy)
            {
                return copy;
            }
            // Header collections stay readable after the response is disposed, so a late first use still sees them.
            if (Volatile.Read(ref _response) is not { } source)
            {
                return Volatile.Read(ref _copy)!; // another thread has just copied them (the copy is written first)
            }
            // Header names are case-insensitive on the wire; a lookup must not depend on how the server spelled one.
            copy = new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in source.Headers)
            {
                copy[header.Key] = header.Value;
            }
            if (source.Content is { } content)
            {
                foreach (var header in content.Headers)
                {
                    copy[header.Key] = header.Value;
                }
            }
            // Two threads may both copy; either copy is the same, and the last one written is kept.
            Volatile.Write(ref _copy, copy);
            Volatile.Write(ref _response, null);
            return copy;
        }
    }

    public IEnumerable<string> this[string key] => Copy[key];

    public IEnumerable<string> Keys => Copy.Keys;

    public IEnumerable<IEnumerable<string>> Values => Copy.Values;

    public int Count => Copy.Count;

    public bool ContainsKey(string key) => Copy.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out IEnumerable<string> value) => Copy.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, IEnumerable<string>>> GetEnumerator() => Copy.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
