namespace TeamUp.Generated;

/// <summary>The one copy of an answer's headers (its own and its content's) into the dictionary errors and results carry.</summary>
internal static class ResponseHeaders
{
    public static Dictionary<string, IEnumerable<string>> Copy(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers)
        {
            headers[header.Key] = header.Value;
        }
        if (response.Content is { } content)
        {
            foreach (var header in content.Headers)
            {
                headers[header.Key] = header.Value;
            }
        }
        return headers;
    }
}
