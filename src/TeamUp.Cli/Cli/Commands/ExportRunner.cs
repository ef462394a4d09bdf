using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using TeamUp.Cli.Api;
using TeamUp.Generated;

namespace TeamUp.Cli.Commands;

/// <summary>
/// Starts an export job on the client, shows its progress on stderr while <see cref="ExportJob.WaitForCompletionAsync"/>
/// polls, and has <see cref="ExportJob.DownloadToAsync"/> write the file atomically (a temporary file moved into place).
/// </summary>
internal sealed class ExportRunner(CliContext cli, CliSession session)
{
    internal sealed record Outcome(int JobId, int Items, long Bytes, TimeSpan Elapsed);

    public async Task<Outcome> RunAsync(ReportCatalog catalog, object request, ReportFormat format, string outputPath, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var export = await catalog.StartExportAsync(session.Client.Reports, request, cancellationToken);
        cli.Log($"export job {export.Id} started ({catalog.Title}, {format})");

        var job = cli.Host.StderrIsTerminal
            ? await WaitWithProgressBarAsync(export, catalog.Title, cancellationToken)
            : await export.WaitForCompletionAsync(new ProgressLines(cli, export.Id), cancellationToken);

        var bytes = await DownloadAtomicallyAsync(export, outputPath, cancellationToken);
        return new Outcome(export.Id, job.TotalItems, bytes, clock.Elapsed);
    }

    private async Task<Job> WaitWithProgressBarAsync(ExportJob export, string title, CancellationToken cancellationToken)
    {
        // Only taken when the host found stderr to be a terminal; say so rather than let Spectre guess from a wrapped writer.
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(cli.Err), Interactive = InteractionSupport.Yes });
        Job? done = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"Exporting {Markup.Escape(title)} (job {export.Id})", maxValue: 1);
                done = await export.WaitForCompletionAsync(new Reported(p =>
                {
                    task.MaxValue = Math.Max(1, p.TotalItems);
                    task.Value = p.IsComplete ? task.MaxValue : p.CompleteItems;
                }), cancellationToken);
            });
        return done!;
    }

    /// <summary>Plain lines when stderr is not a terminal: one per 10% step, and the last one.</summary>
    private sealed class ProgressLines(CliContext cli, int jobId) : IProgress<ExportProgress>
    {
        private int _lastPercent = -1;

        public void Report(ExportProgress value)
        {
            var percent = value.IsComplete ? 100 : value.TotalItems <= 0 ? 0 : (int)Math.Min(100, 100L * value.CompleteItems / value.TotalItems);
            if (percent / 10 != _lastPercent / 10 || (value.IsComplete && percent != _lastPercent))
            {
                cli.Log($"export job {jobId}: {value.CompleteItems}/{value.TotalItems} items ({percent}%)");
                _lastPercent = percent;
            }
        }
    }

    /// <summary>Runs on the polling thread, in order (unlike <see cref="Progress{T}"/>, which posts).</summary>
    private sealed class Reported(Action<ExportProgress> report) : IProgress<ExportProgress>
    {
        public void Report(ExportProgress value) => report(value);
    }

    /// <summary>Downloads next to the target under a temporary name and moves it into place; nothing is left on failure.</summary>
    private static async Task<long> DownloadAtomicallyAsync(ExportJob export, string outputPath, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(outputPath)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(outputPath)}.{Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..8]}.partial");
        try
        {
            long bytes;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await export.DownloadToAsync(file, cancellationToken);
                await file.FlushAsync(cancellationToken);
                bytes = file.Length;
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
