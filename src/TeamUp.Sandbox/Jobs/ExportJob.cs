using System.Text.Json.Nodes;

namespace TeamUp.Sandbox;

/// <summary>An export started by a POST; its rows are fixed when it is created, its progress is a function of time.</summary>
internal sealed class ExportJob(int id, int providerId, DateTimeOffset createdAt, ReportQuery query, List<JsonObject> rows)
{
    public int Id { get; } = id;
    public int ProviderId { get; } = providerId;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public ReportQuery Query { get; } = query;
    public List<JsonObject> Rows { get; } = rows;
    public string FileName => $"{Query.Report.Name.Replace('.', '-')}-{Id}.{Query.Format}";

    public int CompleteItems(DateTimeOffset now, TimeSpan duration)
    {
        if (IsComplete(now, duration)) return Rows.Count;
        var fraction = (now - CreatedAt) / duration;
        return Math.Clamp((int)(Rows.Count * fraction), 0, Rows.Count);
    }

    public bool IsComplete(DateTimeOffset now, TimeSpan duration) => duration <= TimeSpan.Zero || now - CreatedAt >= duration;

    public SandboxJobInfo Info => new(Id, ProviderId, Query.Report.Name, Query.Format, Rows.Count, CreatedAt);
}

/// <summary>A job as tests see it: which export was started, for whom, and how big it is.</summary>
public sealed record SandboxJobInfo(int Id, int ProviderId, string Report, string Format, int TotalItems, DateTimeOffset CreatedAt);
