using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace TeamUp.Sandbox;

internal sealed class JobStore(TeamUpSandboxOptions options, DownloadSigner signer)
{
    private readonly ConcurrentDictionary<int, ExportJob> _jobs = new();
    private int _nextId = 9000;

    public ExportJob Create(SandboxProvider provider, ReportQuery query, List<JsonObject> rows)
    {
        var job = new ExportJob(Interlocked.Increment(ref _nextId), provider.Id, options.TimeProvider.GetUtcNow(), query, rows);
        _jobs[job.Id] = job;
        return job;
    }

    /// <summary>Jobs are private to the provider that started them.</summary>
    public ExportJob? Find(int id, int providerId) => _jobs.TryGetValue(id, out var job) && job.ProviderId == providerId ? job : null;

    public ExportJob? Find(int id) => _jobs.GetValueOrDefault(id);

    public IReadOnlyList<SandboxJobInfo> Snapshot() => [.. _jobs.Values.OrderBy(j => j.Id).Select(j => j.Info)];

    /// <summary>The job object; <c>result_url</c> stays null until the file is ready, then is freshly signed on every read.</summary>
    public JsonObject Render(ExportJob job)
    {
        var now = options.TimeProvider.GetUtcNow();
        var done = job.IsComplete(now, options.JobDuration);
        return new JsonObject
        {
            ["id"] = job.Id,
            ["object"] = "job",
            ["result_url"] = done ? signer.SignedUrl(job, now + options.DownloadUrlLifetime) : null,
            ["total_items"] = job.Rows.Count,
            ["complete_items"] = job.CompleteItems(now, options.JobDuration),
        };
    }
}
