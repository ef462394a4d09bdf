using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TeamUp.Sandbox;

/// <summary>A request the sandbox refuses; becomes the spec's Error body <c>{detail, code, errors}</c>.</summary>
internal sealed class ApiError(int status, string code, string detail, string? parameter = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Detail { get; } = detail;
    /// <summary>The query or body parameter at fault; reported under <c>errors</c>.</summary>
    public string? Parameter { get; } = parameter;

    public static ApiError Invalid(string parameter, string message) =>
        new(StatusCodes.Status400BadRequest, "invalid", $"{parameter}: {message}", parameter);

    public static ApiError NotFound(string what) => new(StatusCodes.Status404NotFound, "not_found", $"{what} not found.");

    public JsonObject ToJson()
    {
        var body = new JsonObject { ["detail"] = Detail, ["code"] = Code };
        if (Parameter is not null) body["errors"] = new JsonObject { [Parameter] = new JsonArray(Detail[(Parameter.Length + 2)..]) };
        return body;
    }

    public Task WriteAsync(HttpContext ctx) => SandboxJson.WriteAsync(ctx, ToJson(), Status);
}
