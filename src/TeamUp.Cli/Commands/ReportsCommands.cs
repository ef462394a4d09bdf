using System.CommandLine;
using System.Globalization;
using TeamUp.Cli.Api;
using TeamUp.Generated;
using TeamUp.Generated.Serialization;

namespace TeamUp.Cli.Commands;

internal static class ReportsCommands
{
    public static Command Create(CliContext cli, GlobalOptions global)
    {
        var reports = new Command("reports", "Invoice and invoice line item reports: rows on stdout, or an export job to a file.");
        reports.Subcommands.Add(Data(cli, global));
        reports.Subcommands.Add(Export(cli, global));
        reports.Subcommands.Add(Columns(cli));
        return reports;
    }

    private static Argument<string> ReportArgument()
    {
        var report = new Argument<string>("REPORT") { Description = "invoices or invoice-line-items." };
        report.AcceptOnlyFromAmong([.. ReportCatalog.Names]);
        return report;
    }

    private static Option<string[]> ColumnsOption() => new("--columns")
    {
        Description = "Column keys, comma-separated, e.g. id,status,total_amount. The valid ones: teamup reports columns REPORT [--grouped].",
        Required = true,
    };

    private static Option<string[]> SortOption() => new("--sort")
    {
        Description = "Sort keys: column keys of the report, '-' for descending, comma-separated (e.g. -due_date,id).",
    };

    private static Option<string[]> FilterOption() => new("--filter")
    {
        Description = "A filter as key=value (repeatable), e.g. status=paid, due_date_gte=2025-01-01, customers=3,4. Lists take commas. The valid keys: teamup reports columns REPORT [--grouped].",
    };

    private static Option<bool> GroupedOption() => new("--grouped")
    {
        Description = "The grouped variant: one row per group of the --columns chosen, with its count or summed amounts (its columns differ; see teamup reports columns REPORT --grouped).",
    };

    /// <summary>What a report accepts, read from the SDK's generated definitions: no connection needed.</summary>
    private static Command Columns(CliContext cli)
    {
        var report = ReportArgument();
        var grouped = GroupedOption();
        var command = new Command("columns", "List a report's columns, sort keys and filters (with their types), as the spec defines them.") { report, grouped };
        command.SetAction((parse, ct) => CommandRunner.GuardAsync(cli, async () =>
        {
            var catalog = ReportCatalog.For(parse.GetValue(report)!, parse.GetValue(grouped));
            var definition = catalog.Definition;
            await cli.Out.WriteLineAsync($"{definition.Title} report");
            await cli.Out.WriteLineAsync($"columns: {string.Join(", ", definition.Columns)}");
            await cli.Out.WriteLineAsync($"sort keys: the columns, '-' for descending");
            await cli.Out.WriteLineAsync("filters (reports data):");
            foreach (var field in definition.QueryFilters) await cli.Out.WriteLineAsync($"  {field.Key}: {field.Expected}");
            var exportOnly = definition.ExportFilters.Select(f => f.Key).Except(definition.QueryFilters.Select(f => f.Key)).ToList();
            var dataOnly = definition.QueryFilters.Select(f => f.Key).Except(definition.ExportFilters.Select(f => f.Key)).ToList();
            if (definition.ExportOperation is null) await cli.Out.WriteLineAsync("export: not available");
            else if (exportOnly.Count > 0 || dataOnly.Count > 0)
                await cli.Out.WriteLineAsync($"export filters differ: only for export {string.Join(", ", exportOnly)}; not for export {string.Join(", ", dataOnly)}");
            await cli.Out.FlushAsync(ct);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Data(CliContext cli, GlobalOptions global)
    {
        var report = ReportArgument();
        var grouped = GroupedOption();
        var columns = ColumnsOption();
        var filters = FilterOption();
        var sort = SortOption();
        var max = new Option<int?>("--max") { Description = "Stop after this many rows." };
        var pageSize = new Option<int>("--page-size") { Description = "Rows per request (1-100).", DefaultValueFactory = _ => 100 };
        var format = new Option<string>("--format") { Description = "json (NDJSON rows) or csv.", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "csv");
        var command = new Command("data", "Print report rows as NDJSON (or CSV), following pages.") { report, grouped, columns, filters, sort, max, pageSize, format };
        command.SetAction((parse, ct) => CommandRunner.GuardAsync(cli, async () =>
        {
            var settings = global.Resolve(parse);
            var catalog = ReportCatalog.For(parse.GetValue(report)!, parse.GetValue(grouped));
            var columnKeys = CommandRunner.SplitList(parse.GetValue(columns));
            var filterArgs = parse.GetValue(filters) ?? [];
            var sortKeys = CommandRunner.SplitList(parse.GetValue(sort));
            var limit = parse.GetValue(max);
            var size = parse.GetValue(pageSize);
            if (size is < 1 or > 100) throw new UsageException("--page-size must be between 1 and 100.");
            if (limit is < 0) throw new UsageException("--max must not be negative.");
            // Built (and so checked) for both formats before anything connects: a bad key or value is a usage error.
            var query = catalog.CreateQuery(columnKeys, filterArgs, sortKeys, size);
            var csv = parse.GetValue(format) == "csv";

            return await CommandRunner.WithSessionAsync(cli, settings, async session =>
            {
                if (limit is not 0)
                {
                    if (csv)
                    {
                        var pairs = catalog.ParseDataFilters(filterArgs);
                        await WriteCsvAsync(cli, session, catalog, columnKeys, pairs, sortKeys, size, limit, ct);
                    }
                    else
                    {
                        var written = 0;
                        await foreach (var row in catalog.ReadRowsAsync(session.Client.Reports, query, ct))
                        {
                            await cli.Out.WriteLineAsync(TeamUpJson.Serialize(row));
                            if (++written == limit) break;
                        }
                    }
                }
                await cli.Out.FlushAsync(ct);
                return ExitCodes.Ok;
            }, ct);
        }, ct));
        return command;
    }

    /// <summary>
    /// Report rows as the server's own CSV, page by page, with one header line. The client reads report data as JSON
    /// only, so the pages are requested here, through the client's API HttpClient (<see cref="CliSession.GetTextAsync"/>).
    /// </summary>
    private static async Task WriteCsvAsync(CliContext cli, CliSession session, ReportCatalog catalog, string[] columnKeys,
        List<(string Key, string Value)> pairs, string[] sortKeys, int size, int? limit, CancellationToken ct)
    {
        var written = 0;
        for (var page = 1; limit is null || written < limit; page++)
        {
            var take = limit is null ? size : Math.Min(size, limit.Value - written);
            var query = new List<KeyValuePair<string, string>> { new("columns", string.Join(',', columnKeys)) };
            query.AddRange(pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));
            if (sortKeys.Length > 0) query.Add(new("sort", string.Join(',', sortKeys)));
            query.Add(new("format", "csv"));
            query.Add(new("page", page.ToString(CultureInfo.InvariantCulture)));
            query.Add(new("page_size", size.ToString(CultureInfo.InvariantCulture)));
            var (body, total) = await session.GetTextAsync(catalog.DataOperation, catalog.DataPath, query, ct);
            var lines = SplitCsvRecords(body);
            if (lines.Count == 0) break;
            // Server text on stdout: escape sequences and other controls are shown, not acted on (tabs and the line breaks
            // of quoted cells are data and stay).
            if (page == 1) await cli.Out.WriteLineAsync(TerminalText.Escape(lines[0], KeepInCsv));
            var rows = lines.Skip(1).Take(take).ToList();
            foreach (var line in rows) await cli.Out.WriteLineAsync(TerminalText.Escape(line, KeepInCsv));
            written += rows.Count;
            if (lines.Count - 1 < size || (long)page * size >= (total ?? int.MaxValue)) break;
        }
    }

    private static bool KeepInCsv(char c) => c is '\t' or '\r' or '\n';

    /// <summary>Splits CSV text into records, keeping quoted line breaks inside their record.</summary>
    internal static List<string> SplitCsvRecords(string csv)
    {
        var records = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (c == '"') quoted = !quoted;
            else if (c == '\n' && !quoted)
            {
                var end = i > start && csv[i - 1] == '\r' ? i - 1 : i;
                records.Add(csv[start..end]);
                start = i + 1;
            }
        }
        if (start < csv.Length) records.Add(csv[start..].TrimEnd('\r'));
        return records;
    }

    /// <summary>The longest --timeout: the client's ExportTimeout allows at most 7 days.</summary>
    internal const int MaxExportTimeoutSeconds = 7 * 24 * 3600;

    /// <summary>The longest --idle-timeout: the client's DownloadIdleTimeout allows at most 1 day.</summary>
    internal const int MaxIdleTimeoutSeconds = 24 * 3600;

    private static Command Export(CliContext cli, GlobalOptions global)
    {
        var report = ReportArgument();
        var grouped = GroupedOption();
        var columns = ColumnsOption();
        var filters = FilterOption();
        var sort = SortOption();
        var format = new Option<string>("--format") { Description = "csv or json.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<string>("--output", "-o")
        {
            Description = "The file to write, replaced atomically when the download completes (a symbolic link: its target; never a device or folder).",
            Required = true,
        };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the job to finish.", DefaultValueFactory = _ => 600 };
        var idleTimeout = new Option<int>("--idle-timeout") { Description = "Seconds the download may receive nothing before it counts as stalled.", DefaultValueFactory = _ => 60 };
        var maxBytes = new Option<long?>("--max-bytes") { Description = "Refuse an export file larger than this many bytes (no limit by default)." };
        var command = new Command("export", "Start an export job, show its progress on stderr, download the result to a file.") { report, grouped, columns, filters, sort, format, output, timeout, idleTimeout, maxBytes };
        command.SetAction((parse, ct) => CommandRunner.GuardAsync(cli, async () =>
        {
            var settings = global.Resolve(parse);
            var catalog = ReportCatalog.For(parse.GetValue(report)!, parse.GetValue(grouped));
            var columnKeys = CommandRunner.SplitList(parse.GetValue(columns));
            catalog.CheckColumns(columnKeys);
            var seconds = parse.GetValue(timeout);
            if (seconds is < 1 or > MaxExportTimeoutSeconds) throw new UsageException($"--timeout must be between 1 and {MaxExportTimeoutSeconds} seconds (7 days).");
            var idleSeconds = parse.GetValue(idleTimeout);
            if (idleSeconds is < 1 or > MaxIdleTimeoutSeconds) throw new UsageException($"--idle-timeout must be between 1 and {MaxIdleTimeoutSeconds} seconds (1 day).");
            var byteLimit = parse.GetValue(maxBytes);
            if (byteLimit is < 1) throw new UsageException("--max-bytes must be positive.");
            var reportFormat = new ReportFormat(parse.GetValue(format)!);
            var request = catalog.CreateExportRequest(columnKeys, parse.GetValue(filters) ?? [], CommandRunner.SplitList(parse.GetValue(sort)), reportFormat);
            // This command's patience, passed per call: the connection (and its client) stays the same as every other command's.
            var wait = new ExportWaitOptions { Timeout = TimeSpan.FromSeconds(seconds), DownloadIdleTimeout = TimeSpan.FromSeconds(idleSeconds), MaxDownloadSize = byteLimit };

            // Before anything connects or any job starts: a path that cannot be written is a usage error, not a lost export.
            await using var target = OutputFile.Prepare(parse.GetValue(output)!);
            return await CommandRunner.WithSessionAsync(cli, settings, async session =>
            {
                var exporter = new ExportRunner(cli, session);
                var outcome = await exporter.RunAsync(catalog, request, reportFormat, wait, target, ct);
                await cli.Out.WriteLineAsync(
                    $"Exported {outcome.Items.ToString("N0", CultureInfo.InvariantCulture)} {catalog.Title} rows ({reportFormat}, {outcome.Bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes, job {outcome.JobId}) to {target.Requested} in {outcome.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s");
                return ExitCodes.Ok;
            }, ct);
        }, ct));
        return command;
    }
}
