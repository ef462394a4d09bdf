using System.CommandLine;
using System.Globalization;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Spectre.Console;
using TeamUp.Cli.Api;
using TeamUp.Cli.Exports;
using TeamUp.Generated;
using TeamUp.Generated.Serialization;
using TeamUp.Ledger;

namespace TeamUp.Cli.Commands;

/// <summary>
/// <c>teamup exports pending|mark|sync|history|status|forget</c>: export tracking per target system, kept in a ledger
/// (a SQLite file by default). The names and options are fixed: scripts rely on them.
/// </summary>
internal static class ExportsCommands
{
    public static Command Create(CliContext cli, GlobalOptions global)
    {
        var exports = new Command("exports",
            "Export tracking per target system: which invoices are not yet exported to X, mark them exported with a note, sync them through a command.");
        exports.Subcommands.Add(Pending(cli, global));
        exports.Subcommands.Add(Mark(cli, global));
        exports.Subcommands.Add(Sync(cli, global));
        exports.Subcommands.Add(History(cli));
        exports.Subcommands.Add(Status(cli));
        exports.Subcommands.Add(Forget(cli));
        return exports;
    }

    // ---- shared options ---------------------------------------------------------------------------------------------------

    private static Option<string> SystemOption() => new("--system")
    {
        Description = "The target system, e.g. xero or datev-prod (1-64 of A-Z a-z 0-9 . _ -).",
        Required = true,
    };

    private static Option<string?> LedgerOption() => new("--ledger")
    {
        Description = $"The ledger: a file, or a postgres:// URL / Host=... connection string shared by many workers (env {LedgerLocator.EnvironmentVariable}; default {LedgerLocator.DefaultPath}).",
    };

    private static string System(ParseResult parse, Option<string> option)
    {
        var name = parse.GetValue(option);
        return ExportSystem.IsValid(name)
            ? name!
            : throw new UsageException($"--system '{name}' is not a valid target system name: use 1-{ExportSystem.MaxLength} characters of A-Z, a-z, 0-9, '.', '_' and '-'.");
    }

    /// <summary>The filters pending and sync share.</summary>
    private sealed class Filters
    {
        public Option<bool> IncludeDrafts { get; } = new("--include-drafts") { Description = "Also invoices not booked yet (draft, upcoming)." };
        public Option<bool> OnlyNew { get; } = new("--only-new") { Description = "Only invoices never exported to the system (not changed ones)." };
        public Option<string?> NotExportedSince { get; } = new("--not-exported-since")
        {
            Description = "Also invoices last exported before this time (ISO 8601, UTC unless it has an offset): re-export them.",
        };
        public Option<string?> UpdatedSince { get; } = new("--updated-since")
        {
            Description = "Incremental: only invoices the invoices report shows updated since this time (less --look-back); default is a full scan.",
        };
        public Option<int> LookBack { get; } = new("--look-back")
        {
            Description = "Seconds before --updated-since to look too, for late or tied updates (default 900).",
            DefaultValueFactory = _ => 900,
        };
        public Option<string[]> Expand { get; } = new("--expand") { Description = "line_items: fetch line items (they count in the version and are exported)." };
        public Option<string[]> Status { get; } = new("--status") { Description = "Only these invoice statuses (repeat or comma-separate)." };
        public Option<string?> DueFrom { get; } = new("--due-from") { Description = "Only invoices due on or after this date (yyyy-MM-dd)." };
        public Option<string?> DueTo { get; } = new("--due-to") { Description = "Only invoices due on or before this date (yyyy-MM-dd)." };

        public void AddTo(Command command)
        {
            command.Options.Add(IncludeDrafts);
            command.Options.Add(OnlyNew);
            command.Options.Add(NotExportedSince);
            command.Options.Add(UpdatedSince);
            command.Options.Add(LookBack);
            command.Options.Add(Expand);
            command.Options.Add(Status);
            command.Options.Add(DueFrom);
            command.Options.Add(DueTo);
        }

        public T Apply<T>(ParseResult parse, T options) where T : PendingInvoiceOptions
        {
            options.IncludeDrafts = parse.GetValue(IncludeDrafts);
            options.OnlyNew = parse.GetValue(OnlyNew);
            options.NotExportedSince = Time(parse.GetValue(NotExportedSince), "--not-exported-since");
            options.UpdatedSince = Time(parse.GetValue(UpdatedSince), "--updated-since");
            var lookBack = parse.GetValue(LookBack);
            if (lookBack < 0)
            {
                throw new UsageException("--look-back must not be negative.");
            }
            options.UpdatedSinceLookBack = TimeSpan.FromSeconds(lookBack);
            options.IncludeLineItems = LineItems(parse.GetValue(Expand));
            var statuses = CommandRunner.SplitList(parse.GetValue(Status));
            options.Status = statuses.Length > 0 ? [.. statuses.Select(s => new InvoiceStatus(s))] : null;
            options.DueOnOrAfter = Date(parse.GetValue(DueFrom), "--due-from");
            options.DueOnOrBefore = Date(parse.GetValue(DueTo), "--due-to");
            if (options.DueOnOrAfter > options.DueOnOrBefore)
            {
                throw new UsageException("--due-from is after --due-to: no invoice could match.");
            }
            if (options.OnlyNew && options.NotExportedSince is not null)
            {
                throw new UsageException("--only-new and --not-exported-since contradict each other: --only-new leaves out every invoice exported before.");
            }
            return options;
        }
    }

    private static bool LineItems(string[]? expand)
    {
        var values = CommandRunner.SplitList(expand);
        foreach (var value in values.Where(v => v != "line_items"))
        {
            throw new UsageException($"--expand '{value}' is not supported here: only line_items (what the version covers).");
        }
        return values.Length > 0;
    }

    private static DateTimeOffset? Time(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new UsageException($"{option} '{text}' is not a date-time; use ISO 8601, e.g. 2026-12-01T09:00:00Z.");
    }

    /// <summary>
    /// A mark's note is the only trace of why an invoice counts as exported: a blank one (an empty shell variable, a
    /// quoting slip) would record a mark nobody can explain later, so it is refused before anything is touched.
    /// </summary>
    private static string RequiredNote(string? text) =>
        string.IsNullOrWhiteSpace(text) ? throw new UsageException("--note is blank; say why or how the invoices were exported.") : text;

    private static DateOnly? Date(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? value
            : throw new UsageException($"{option} '{text}' is not a date; use yyyy-MM-dd.");
    }

    /// <summary>Opens the ledger first (a bad one is a usage error before any request), then TeamUp, then runs <paramref name="body"/>.</summary>
    private static async Task<int> WithTrackerAsync(CliContext cli, ConnectionSettings settings, string? ledger,
        Func<ExportTracker, Task<int>> body, CancellationToken ct)
    {
        await using var store = await LedgerLocator.OpenAsync(ledger, cli.Host.Environment, cli.Log, ct);
        return await CommandRunner.WithSessionAsync(cli, settings, session => LedgerGuard(cli, () => body(new ExportTracker(session.Client, store))), ct);
    }

    private static async Task<int> WithLedgerAsync(CliContext cli, string? ledger, Func<IExportLedgerStore, Task<int>> body, CancellationToken ct)
    {
        await using var store = await LedgerLocator.OpenAsync(ledger, cli.Host.Environment, cli.Log, ct);
        return await LedgerGuard(cli, () => body(store));
    }

    /// <summary>A ledger that fails after it opened (a disk error, a lock held too long) is not a usage error: exit 1.</summary>
    private static async Task<int> LedgerGuard(CliContext cli, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (ExportLedgerException e)
        {
            cli.Log($"ledger failed: {e.Message}");
            return ExitCodes.ApiFailure;
        }
    }

    // ---- pending ----------------------------------------------------------------------------------------------------------

    private static Command Pending(CliContext cli, GlobalOptions global)
    {
        var system = SystemOption();
        var ledger = LedgerOption();
        var filters = new Filters();
        var command = new Command("pending", "The invoices pending for a system as NDJSON: id, reason (new, changed, not_exported_since), version, invoice.")
        {
            system, ledger,
        };
        filters.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.GuardAsync(cli, async () =>
        {
            var name = System(parse, system);
            var options = filters.Apply(parse, new PendingInvoiceOptions());
            var settings = global.Resolve(parse);
            return await WithTrackerAsync(cli, settings, parse.GetValue(ledger), async tracker =>
            {
                var count = 0;
                await foreach (var pending in tracker.GetPendingAsync(name, options, ct))
                {
                    await cli.Out.WriteLineAsync(PendingLine(pending));
                    count++;
                }
                await cli.Out.FlushAsync(ct);
                cli.Log($"{count} invoices pending for {name}");
                return ExitCodes.Ok;
            }, ct);
        }, ct));
        return command;
    }

    internal static string PendingLine(PendingInvoice pending)
    {
        var line = new JObject
        {
            ["id"] = pending.InvoiceId,
            ["reason"] = LedgerText.Reason(pending.Reason),
            ["version"] = pending.Version,
            ["exported_version"] = pending.Exported?.Version,
            ["exported_at"] = pending.Exported?.ExportedAt.ToString("O", CultureInfo.InvariantCulture),
            ["invoice"] = JToken.Parse(TeamUpJson.Serialize(pending.Invoice)),
        };
        return line.ToString(Formatting.None);
    }

    // ---- mark -------------------------------------------------------------------------------------------------------------

    private static Command Mark(CliContext cli, GlobalOptions global)
    {
        var system = SystemOption();
        var ledger = LedgerOption();
        var note = new Option<string>("--note") { Description = "Why or how they were exported; kept in each invoice's history.", Required = true };
        var reference = new Option<string?>("--reference") { Description = "The target system's own reference (an import id)." };
        var expand = new Option<string[]>("--expand") { Description = "line_items: for ids given without a version, fetch the version with line items." };
        var ids = new Argument<string[]>("ID") { Description = "Invoice ids, or - to read ids or the lines `exports pending` printed from stdin.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("mark", "Mark invoices exported to a system, atomically, with a note. A version from a pending line is what gets marked.")
        {
            system, note, reference, ledger, expand, ids,
        };
        command.SetAction((parse, ct) => CommandRunner.GuardAsync(cli, async () =>
        {
            var name = System(parse, system);
            var exportNote = new ExportNote(RequiredNote(parse.GetValue(note)), parse.GetValue(reference));
            if (exportNote.Note.Length > ExportNote.MaxNoteLength)
            {
                throw new UsageException($"--note has {exportNote.Note.Length} characters; at most {ExportNote.MaxNoteLength} are kept.");
            }
            if (exportNote.Reference is { Length: > ExportNote.MaxReferenceLength })
            {
                throw new UsageException($"--reference has more than {ExportNote.MaxReferenceLength} characters.");
            }
            var lineItems = LineItems(parse.GetValue(expand));
            var targets = await ReadTargetsAsync(cli, parse.GetValue(ids) ?? [], ct);
            if (targets.Count == 0)
            {
                throw new UsageException("no invoice ids given (stdin was empty).");
            }
            var settings = global.Resolve(parse);
            return await WithTrackerAsync(cli, settings, parse.GetValue(ledger), async tracker =>
            {
                MarkResult result;
                try
                {
                    result = await tracker.MarkExportedAsync(name, targets, exportNote, lineItems, ct);
                }
                catch (ArgumentException e)
                {
                    cli.Log(e.Message.Split(" (Parameter", 2)[0]);
                    return ExitCodes.ApiFailure;
                }
                var unchanged = result.Unchanged.Count == 0 ? "" : $" ({result.Unchanged.Count} already marked at that version)";
                await cli.Out.WriteLineAsync($"Marked {result.Marked.Count} invoices exported to {name}{unchanged}");
                return ExitCodes.Ok;
            }, ct);
        }, ct));
        return command;
    }

    /// <summary>Ids from the arguments, or from stdin with <c>-</c>: a bare id per line, or a JSON line with <c>id</c> and maybe <c>version</c>.</summary>
    private static async Task<List<InvoiceToMark>> ReadTargetsAsync(CliContext cli, string[] arguments, CancellationToken ct)
    {
        var targets = new List<InvoiceToMark>();
        foreach (var argument in arguments)
        {
            if (argument == "-")
            {
                var reader = cli.Host.Stdin();
                var number = 0;
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    number++;
                    if (!string.IsNullOrWhiteSpace(line))
                    {
                        targets.Add(ParseTarget(line.Trim(), $"stdin line {number}"));
                    }
                }
            }
            else
            {
                targets.Add(ParseTarget(argument, "argument"));
            }
        }
        return targets;
    }

    private static InvoiceToMark ParseTarget(string text, string where)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
        {
            return new InvoiceToMark(id);
        }
        if (text.StartsWith('{'))
        {
            try
            {
                var json = JObject.Parse(text);
                if (json["id"] is { Type: JTokenType.Integer } idToken && idToken.Value<long>() > 0)
                {
                    var version = json["version"]?.Type == JTokenType.String ? json["version"]!.Value<string>() : null;
                    return new InvoiceToMark(idToken.Value<long>(), string.IsNullOrEmpty(version) ? null : version);
                }
            }
            catch (JsonException)
            {
            }
            throw new UsageException($"{where} is a JSON line without a positive integer \"id\"; nothing was marked.");
        }
        throw new UsageException($"{where} '{(text.Length > 40 ? text[..40] + "..." : text)}' is not an invoice id (a positive integer) or a pending line; nothing was marked.");
    }

    // ---- sync -------------------------------------------------------------------------------------------------------------

    private static Command Sync(CliContext cli, GlobalOptions global)
    {
        var system = SystemOption();
        var ledger = LedgerOption();
        var exec = new Option<string>("--exec")
        {
            Description = $"Run this shell command once per batch: the batch as NDJSON on stdin, {ExecExporter.KeyVariable} and {ExecExporter.SystemVariable} " +
                          "in its environment. Exit 0 marks the batch exported; any other exit marks none and records the error.",
            Required = true,
        };
        var batchSize = new Option<int>("--batch-size") { Description = "Invoices per batch (1-1000, default 10).", DefaultValueFactory = _ => 10 };
        var lease = new Option<int>("--lease") { Description = "Seconds a batch stays this run's without a renewal (default 120; renewed while CMD runs).", DefaultValueFactory = _ => 120 };
        var note = new Option<string?>("--note") { Description = "The note recorded with each mark (default: exported by teamup sync)." };
        var filters = new Filters();
        var command = new Command("sync", "Deliver what is pending for a system in batches through a command, marking each batch the command confirms.")
        {
            system, exec, batchSize, lease, note, ledger,
        };
        filters.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.GuardAsync(cli, async () =>
        {
            var name = System(parse, system);
            var size = parse.GetValue(batchSize);
            if (size is < 1 or > 1000)
            {
                throw new UsageException("--batch-size must be between 1 and 1000.");
            }
            var leaseSeconds = parse.GetValue(lease);
            if (leaseSeconds is < 1 or > 86_400)
            {
                throw new UsageException("--lease must be between 1 and 86400 seconds.");
            }
            var cmd = parse.GetValue(exec);
            if (string.IsNullOrWhiteSpace(cmd))
            {
                throw new UsageException("--exec needs a command.");
            }
            var options = filters.Apply(parse, new ExportSyncOptions
            {
                BatchSize = size,
                Lease = TimeSpan.FromSeconds(leaseSeconds),
            });
            if (parse.GetValue(note) is { } text)
            {
                options.Note = RequiredNote(text);
            }
            var settings = global.Resolve(parse);
            return await WithTrackerAsync(cli, settings, parse.GetValue(ledger), async tracker =>
            {
                var exporter = new ExecExporter(cmd, cli);
                var result = cli.Host.StderrIsTerminal
                    ? await SyncWithProgressBarAsync(cli, tracker, name, exporter, options, ct)
                    : await tracker.SyncAsync(name, exporter, options, new SyncProgressLines(cli, name), ct);
                await cli.Out.WriteLineAsync(Summary(result));
                if (result.LastError is { } error && (result.FailedBatches > 0 || result.Refused > 0))
                {
                    cli.Log($"last error: {error}");
                }
                return result.FailedBatches > 0 || result.StoppedEarly || result.Refused > 0 ? ExitCodes.ApiFailure : ExitCodes.Ok;
            }, ct);
        }, ct));
        return command;
    }

    internal static string Summary(ExportSyncResult r)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Synced {r.System}: {r.Delivered} delivered in {r.Batches} batches, {r.Exported} marked exported");
        if (r.Unchanged > 0) text.Append(CultureInfo.InvariantCulture, $", {r.Unchanged} already marked");
        text.Append(CultureInfo.InvariantCulture, $", {r.Failed} failed, {r.Uncertain} uncertain (delivered again after an unanswered delivery)");
        if (r.Refused > 0) text.Append(CultureInfo.InvariantCulture, $", {r.Refused} refused (lease lost)");
        if (r.WaitingToRetry > 0) text.Append(CultureInfo.InvariantCulture, $"; {r.WaitingToRetry} still pending");
        if (r.StoppedEarly) text.Append("; stopped after repeated failures");
        text.Append(CultureInfo.InvariantCulture, $" ({r.Elapsed.TotalSeconds:0.0}s, ledger {r.LedgerTime.TotalSeconds:0.0}s)");
        return text.ToString();
    }

    private static async Task<ExportSyncResult> SyncWithProgressBarAsync(CliContext cli, ExportTracker tracker, string system, IInvoiceExporter exporter,
        ExportSyncOptions options, CancellationToken ct)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(cli.Err), Interactive = InteractionSupport.Yes });
        ExportSyncResult? result = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"Syncing to {Markup.Escape(system)}", maxValue: 1);
                result = await tracker.SyncAsync(system, exporter, options, new Inline(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = Math.Min(task.MaxValue, p.Done);
                }), ct);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private sealed class Inline(Action<ExportSyncProgress> report) : IProgress<ExportSyncProgress>
    {
        public void Report(ExportSyncProgress value) => report(value);
    }

    /// <summary>Plain progress on stderr when it is not a terminal: the discovery, then every 10% step.</summary>
    private sealed class SyncProgressLines(CliContext cli, string system) : IProgress<ExportSyncProgress>
    {
        private int _lastStep = -1;

        public void Report(ExportSyncProgress value)
        {
            if (value.Done == 0)
            {
                cli.Log($"{value.Total} invoices queued for {system}");
                return;
            }
            var step = value.Total <= 0 ? 10 : (int)Math.Min(10, 10L * value.Done / value.Total);
            if (step != _lastStep)
            {
                cli.Log($"sync {system}: {value.Done}/{value.Total} delivered, {value.Exported} marked, {value.Failed} failed");
                _lastStep = step;
            }
        }
    }

    // ---- history, status, forget --------------------------------------------------------------------------------------------

    private static Command History(CliContext cli)
    {
        var id = new Argument<long>("ID") { Description = "The invoice id." };
        var system = new Option<string?>("--system") { Description = "Only this target system." };
        var ledger = LedgerOption();
        var command = new Command("history", "An invoice's export history as NDJSON, oldest first: marks with notes, forgets, failures, uncertain deliveries.")
        {
            id, system, ledger,
        };
        command.SetAction((parse, ct) => CommandRunner.GuardAsync(cli, async () =>
        {
            var name = parse.GetValue(system);
            if (name is not null && !ExportSystem.IsValid(name))
            {
                throw new UsageException($"--system '{name}' is not a valid target system name.");
            }
            return await WithLedgerAsync(cli, parse.GetValue(ledger), async store =>
            {
                var events = await store.GetHistoryAsync(parse.GetValue(id), name, ct);
                foreach (var e in events)
                {
                    await cli.Out.WriteLineAsync(new JObject
                    {
                        ["at"] = e.At.ToString("O", CultureInfo.InvariantCulture),
                        ["system"] = e.System,
                        ["id"] = e.InvoiceId,
                        ["kind"] = LedgerText.Kind(e.Kind),
                        ["version"] = e.Version,
                        ["note"] = e.Note,
                        ["reference"] = e.Reference,
                        ["idempotency_key"] = e.IdempotencyKey,
                        ["by"] = e.Owner,
                    }.ToString(Formatting.None));
                }
                if (events.Count == 0)
                {
                    cli.Log($"no history for invoice {parse.GetValue(id)}{(name is null ? "" : $" and {name}")}");
                }
                return ExitCodes.Ok;
            }, ct);
        }, ct));
        return command;
    }

    private static Command Status(CliContext cli)
    {
        var system = SystemOption();
        var ledger = LedgerOption();
        var command = new Command("status", "The ledger's counts for a system as JSON (TeamUp is not asked: run pending for what is pending now).") { system, ledger };
        command.SetAction((parse, ct) => CommandRunner.GuardAsync(cli, async () =>
        {
            var name = System(parse, system);
            return await WithLedgerAsync(cli, parse.GetValue(ledger), async store =>
            {
                var s = await store.GetStatusAsync(name, ct);
                await cli.Out.WriteLineAsync(new JObject
                {
                    ["system"] = s.System,
                    ["exported"] = s.Exported,
                    ["queued"] = s.Queued,
                    ["in_flight"] = s.InFlight,
                    ["uncertain"] = s.Uncertain,
                    ["failed"] = s.Failed,
                    ["last_exported_at"] = s.LastExportedAt?.ToString("O", CultureInfo.InvariantCulture),
                    ["last_discovery_at"] = s.LastDiscoveryAt?.ToString("O", CultureInfo.InvariantCulture),
                    ["ledger"] = store.Location,
                }.ToString(Formatting.Indented));
                return ExitCodes.Ok;
            }, ct);
        }, ct));
        return command;
    }

    private static Command Forget(CliContext cli)
    {
        var system = SystemOption();
        var ledger = LedgerOption();
        var note = new Option<string?>("--note") { Description = "Why; kept in each invoice's history." };
        var ids = new Argument<long[]>("ID") { Description = "Invoice ids.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("forget", "Unmark invoices for a system, so they are pending (as new) and exported again.") { system, note, ledger, ids };
        command.SetAction((parse, ct) => CommandRunner.GuardAsync(cli, async () =>
        {
            var name = System(parse, system);
            var list = parse.GetValue(ids) ?? [];
            if (list.Any(i => i <= 0))
            {
                throw new UsageException("invoice ids are positive integers.");
            }
            return await WithLedgerAsync(cli, parse.GetValue(ledger), async store =>
            {
                var forgotten = await store.ForgetAsync(name, list, parse.GetValue(note), ct);
                var notMarked = list.Distinct().Count() - forgotten.Count;
                await cli.Out.WriteLineAsync($"Forgot {forgotten.Count} invoices for {name}" + (notMarked > 0 ? $" ({notMarked} were not marked)" : ""));
                return ExitCodes.Ok;
            }, ct);
        }, ct));
        return command;
    }
}
