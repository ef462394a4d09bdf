using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using TeamUp.Cli.Api;
using TeamUp.Generated;

namespace TeamUp.Cli.Commands;

/// <summary>Starts an export job, waits for it with progress on stderr, and downloads the file atomically.</summary>
internal sealed class ExportRunner(CliContext cli, ApiSession session)
{
    internal sealed record Outcome(int JobId, int Items, long Bytes, TimeSpan Elapsed);

    public async Task<Outcome> RunAsync(ReportCatalog catalog, object body, ReportFormat format, string outputPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var created = (ExportJobCreated)await ReportCatalog.InvokeAsync(session.Reports, catalog.ExportMethod,
            new Dictionary<string, object?> { ["body"] = body, ["format"] = format }, cancellationToken);
        cli.Log($"export job {created.Job} started ({catalog.Title}, {format})");

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        Job job;
        try
        {
            job = cli.Host.StderrIsTerminal
                ? await WaitWithProgressBarAsync(created.Job, catalog.Title, deadline.Token)
                : await WaitWithLinesAsync(created.Job, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TeamUpApiException($"Jobs_Retrieve failed: no response. Export job {created.Job} did not finish within {timeout.TotalSeconds:0}s.", 0, "Jobs_Retrieve", null, null, null, null);
        }

        var bytes = await DownloadAtomicallyAsync(job.ResultUrl!, outputPath, cancellationToken);
        return new Outcome(job.Id, job.TotalItems, bytes, clock.Elapsed);
    }

    private async Task<Job> WaitWithLinesAsync(int jobId, CancellationToken cancellationToken)
    {
        var lastPercent = -1;
        while (true)
        {
            var job = await session.Jobs.RetrieveAsync(jobId, cancellationToken);
            var percent = Percent(job);
            if (percent / 10 != lastPercent / 10 || (job.ResultUrl is not null && percent != lastPercent))
            {
                cli.Log($"export job {job.Id}: {job.CompleteItems ?? 0}/{job.TotalItems} items ({percent}%)");
                lastPercent = percent;
            }
            if (job.ResultUrl is not null) return job;
            await Task.Delay(session.PollInterval, cancellationToken);
        }
    }

    private async Task<Job> WaitWithProgressBarAsync(int jobId, string title, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(cli.Err) });
        Job? done = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"Exporting {Markup.Escape(title)} (job {jobId})", maxValue: 1);
                while (true)
                {
                    var job = await session.Jobs.RetrieveAsync(jobId, cancellationToken);
                    task.MaxValue = Math.Max(1, job.TotalItems);
                    task.Value = job.ResultUrl is not null ? task.MaxValue : job.CompleteItems ?? 0;
                    if (job.ResultUrl is not null)
                    {
                        done = job;
                        return;
                    }
                    await Task.Delay(session.PollInterval, cancellationToken);
                }
            });
        return done!;
    }

    private static int Percent(Job job) =>
        job.ResultUrl is not null ? 100 : job.TotalItems <= 0 ? 0 : (int)Math.Min(100, 100L * (job.CompleteItems ?? 0) / job.TotalItems);

    /// <summary>Downloads next to the target under a temporary name and moves it into place; nothing is left on failure.</summary>
    private async Task<long> DownloadAtomicallyAsync(Uri resultUrl, string outputPath, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(outputPath)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(outputPath)}.{Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..8]}.partial");
        try
        {
            long bytes;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                bytes = await session.DownloadAsync(resultUrl, file, cancellationToken);
                await file.FlushAsync(cancellationToken);
            }
            File.Move(temp, outputPath, overwrite: true);
            return bytes;
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
