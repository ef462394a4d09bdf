using Microsoft.OpenApi;

namespace TeamUp.ContractReview.Rules;

/// <summary>Responses: status codes, media types, headers, and the schema of each media type kept.</summary>
internal static class ResponseRules
{
    public static void Compare(string label, OpenApiResponses? oldResponses, OpenApiResponses? newResponses, ChangeLog log)
    {
        oldResponses ??= [];
        newResponses ??= [];
        foreach (var status in oldResponses.Keys.Except(newResponses.Keys))
            log.Add(IsSuccess(status) ? "response-success-status-removed" : "response-non-success-status-removed", label,
                $"response {status}", $"response status {status} removed");
        foreach (var status in newResponses.Keys.Except(oldResponses.Keys))
            log.Add(IsSuccess(status) ? "response-success-status-added" : "response-non-success-status-added", label,
                $"response {status}", $"response status {status} added");
        foreach (var status in oldResponses.Keys.Intersect(newResponses.Keys))
            CompareResponse(label, status, oldResponses[status], newResponses[status], log);
    }

    private static void CompareResponse(string label, string status, IOpenApiResponse oldResponse, IOpenApiResponse newResponse, ChangeLog log)
    {
        var oldContent = oldResponse.Content ?? new Dictionary<string, IOpenApiMediaType>();
        var newContent = newResponse.Content ?? new Dictionary<string, IOpenApiMediaType>();
        foreach (var mediaType in oldContent.Keys.Except(newContent.Keys))
            log.Add("response-media-type-removed", label, $"response {status} {mediaType}", $"response {status} media type {mediaType} removed");
        foreach (var mediaType in newContent.Keys.Except(oldContent.Keys))
            log.Add("response-media-type-added", label, $"response {status} {mediaType}", $"response {status} media type {mediaType} added");
        foreach (var mediaType in oldContent.Keys.Intersect(newContent.Keys))
            new SchemaComparer(log, label, $"response {status} {mediaType}")
                .Compare(oldContent[mediaType].Schema, newContent[mediaType].Schema, SchemaFamily.ResponseBody);

        var oldHeaders = Headers(oldResponse);
        var newHeaders = Headers(newResponse);
        foreach (var (name, header) in oldHeaders.Where(h => !newHeaders.ContainsKey(h.Key)))
            log.Add(header.Required ? "required-response-header-removed" : "optional-response-header-removed", label,
                $"response {status} header '{header.Name}'", $"response header '{header.Name}' removed");
        foreach (var (name, header) in newHeaders.Where(h => !oldHeaders.ContainsKey(h.Key)))
            log.Add("response-header-added", label, $"response {status} header '{header.Name}'", $"response header '{header.Name}' added");
    }

    private static Dictionary<string, (string Name, bool Required)> Headers(IOpenApiResponse response) =>
        (response.Headers ?? new Dictionary<string, IOpenApiHeader>())
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => (h.Key, h.Value.Required));

    // "2XX" too; "default" is what the client throws for, like any error status.
    private static bool IsSuccess(string status) => status.StartsWith('2');
}
