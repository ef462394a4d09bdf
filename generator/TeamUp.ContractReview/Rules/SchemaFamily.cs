namespace TeamUp.ContractReview.Rules;

/// <summary>
/// Which side of the wire a schema is on and how oasdiff names its changes there:
/// the client *sends* request schemas (narrowing breaks it) and *reads* response
/// schemas (widening breaks it).
/// </summary>
internal sealed record SchemaFamily(string Prefix, bool IsRequest)
{
    public static readonly SchemaFamily Parameter = new("request-parameter", true);
    public static readonly SchemaFamily RequestBody = new("request-body", true);
    public static readonly SchemaFamily RequestProperty = new("request-property", true);
    public static readonly SchemaFamily ResponseBody = new("response-body", false);
    public static readonly SchemaFamily ResponseProperty = new("response-property", false);

    /// <summary>Properties and items of a body are "properties"; a parameter's parts stay the parameter.</summary>
    public SchemaFamily Nested => this == Parameter ? Parameter : IsRequest ? RequestProperty : ResponseProperty;

    public string Id(string suffix) => $"{Prefix}-{suffix}";
}
