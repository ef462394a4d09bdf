using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using TeamUp.Cli.Api;
using TeamUp.Generated;

namespace TeamUp.Cli.Commands;

/// <summary>
/// Starts an export job on the client, shows its progress on stderr while <see cref="ExportJob.WaitForCompletionAsync"/>
/// polls, and has <see cref="ExportJob.DownloadToAsync"/> write the file atomically (a temporary file moved into place,
/// see <see cref="OutputFile"/>).
/// </summary>
internal sealed class ExportRunner(CliContext cli, CliSession session)
{
    internal sealed record Outcome(int JobId, int Items, long Bytes, TimeSpan Elapsed);

    public async Task<Outcome> RunAsync(ReportCatalog catalog, object request, ReportFormat format, ExportWaitOptions wait, OutputFile output, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var export = await catalog.StartExportAsync(session.Client.Reports, request, cancellationToken);
        cli.Log($"export job {export.Id} started ({catalog.Title}, {format})");

        var job = cli.Host.StderrIsTerminal
            ? await WaitWithProgressBarAsync(export, catalog.Title, wait, cancellationToken)
            : await export.WaitForCompletionAsync(wait, new ProgressLines(cli, export.Id), cancellationToken);

        var (bytes, rows) = await DownloadAtomicallyAsync(export, format, wait, output, cancellationToken);
        if (rows != job.TotalItems)
        {
            cli.Log($"export job {export.Id} reported {job.TotalItems} items; the file holds {rows} rows");
        }
        return new Outcome(export.Id, rows, bytes, clock.Elapsed);
    }

    private Task<Job> WaitWithProgressBarAsync(ExportJob export, string title, ExportWaitOptions wait, CancellationToken cancellationToken) =>
        TerminalProgress.RunAsync(cli, $"Exporting {Markup.Escape(title)} (job {export.Id})", report =>
            export.WaitForCompletionAsync(wait, new Reported(p => report(p.IsComplete ? Math.Max(1, p.TotalItems) : p.CompleteItems, p.TotalItems)), cancellationToken));

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

    /// <summary>
    /// Downloads into the prepared temporary file, counts the rows the file really holds (the summary reports the file
    /// written, not the job record), and moves it into place; nothing is left on failure.
    /// </summary>
    private static async Task<(long Bytes, int Rows)> DownloadAtomicallyAsync(ExportJob export, ReportFormat format, ExportWaitOptions wait, OutputFile output, CancellationToken cancellationToken)
    {
        var file = output.Stream;
        try
        {
            await export.DownloadToAsync(file, wait, cancellationToken);
            await file.FlushAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not TeamUpApiException)
        {
            // The download's own failures are TeamUpApiExceptions; anything else here is the file system's.
            throw new OutputFileException($"could not write the export to '{output.Target}': {OutputFile.Reason(e)}", e);
        }
        var bytes = file.Length;
        file.Position = 0;
        var rows = await ExportRowCounter.CountAsync(file, format == ReportFormat.Json, cancellationToken);
        await output.CommitAsync(cancellationToken);
        return (bytes, rows);
    }
}
