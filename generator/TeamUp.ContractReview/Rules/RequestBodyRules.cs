using Microsoft.OpenApi;

namespace TeamUp.ContractReview.Rules;

/// <summary>Request bodies: presence, requiredness, media types, and the schema of each media type kept.</summary>
internal static class RequestBodyRules
{
    public static void Compare(string label, IOpenApiRequestBody? oldBody, IOpenApiRequestBody? newBody, ChangeLog log)
    {
        if (oldBody is null && newBody is null) return;
        if (oldBody is null)
        {
            log.Add(newBody!.Required ? "request-body-added-required" : "request-body-added-optional", label, "request body",
                $"{(newBody.Required ? "required" : "optional")} request body added");
            return;
        }
        if (newBody is null)
        {
            log.Add("request-body-removed", label, "request body", "request body removed");
            return;
        }
        if (oldBody.Required != newBody.Required)
            log.Add(newBody.Required ? "request-body-became-required" : "request-body-became-optional", label, "request body",
                $"request body became {(newBody.Required ? "required" : "optional")}");

        var oldContent = oldBody.Content ?? new Dictionary<string, IOpenApiMediaType>();
        var newContent = newBody.Content ?? new Dictionary<string, IOpenApiMediaType>();
        foreach (var mediaType in oldContent.Keys.Except(newContent.Keys))
            log.Add("request-body-media-type-removed", label, $"request body {mediaType}", $"request media type {mediaType} removed");
        foreach (var mediaType in newContent.Keys.Except(oldContent.Keys))
            log.Add("request-body-media-type-added", label, $"request body {mediaType}", $"request media type {mediaType} added");
        foreach (var mediaType in oldContent.Keys.Intersect(newContent.Keys))
            new SchemaComparer(log, label, $"request body {mediaType}")
                .Compare(oldContent[mediaType].Schema, newContent[mediaType].Schema, SchemaFamily.RequestBody);
    }
}
