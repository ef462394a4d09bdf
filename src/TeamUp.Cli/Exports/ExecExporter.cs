using System.Diagnostics;
using System.Globalization;
using System.Text;
using Newtonsoft.Json;
using TeamUp.Ledger;

namespace TeamUp.Cli.Exports;

/// <summary>
/// The exporter of <c>teamup exports sync --exec CMD</c>: runs CMD once per batch through the shell, with the batch
/// as NDJSON on its stdin and the batch's idempotency key and system in its environment. Exit 0 confirms the whole
/// batch; any other exit (or a signal) fails it with the command's last stderr line as the error. CMD's stdout and
/// stderr go to our stderr, so our stdout keeps only the summary.
/// </summary>
internal sealed class ExecExporter(string command, CliContext cli) : IInvoiceExporter
{
    public const string SystemVariable = "TEAMUP_EXPORT_SYSTEM";
    public const string KeyVariable = "TEAMUP_IDEMPOTENCY_KEY";
    public const string BatchVariable = "TEAMUP_EXPORT_BATCH";
    public const string UncertainVariable = "TEAMUP_EXPORT_UNCERTAIN";

    public async Task<ExportBatchResult> ExportAsync(ExportBatch batch, CancellationToken cancellationToken)
    {
        var start = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/d", "/c", command } }
            : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command } };
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.StandardInputEncoding = new UTF8Encoding(false);
        start.Environment[SystemVariable] = batch.System;
        start.Environment[KeyVariable] = batch.IdempotencyKey;
        start.Environment[BatchVariable] = batch.Number.ToString(CultureInfo.InvariantCulture);
        start.Environment[UncertainVariable] = batch.UncertainCount.ToString(CultureInfo.InvariantCulture);
        // The exporter needs no TeamUp credential: the batch carries the invoices. Do not hand ours down.
        start.Environment.Remove("TEAMUP_TOKEN");

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return ExportBatchResult.Failed($"could not start --exec command: {e.Message}");
        }

        string? lastError = null;
        var errorLock = new Lock();
        // Both pumps write to our stderr; a TextWriter is not thread-safe, so they take turns.
        var stdout = PumpAsync(process.StandardOutput, line =>
        {
            lock (errorLock)
            {
                cli.Err.WriteLine(line);
            }
        });
        var stderr = PumpAsync(process.StandardError, line =>
        {
            lock (errorLock)
            {
                if (!string.IsNullOrWhiteSpace(line))
                {
                    lastError = line.Trim();
                }
                cli.Err.WriteLine(line);
            }
        });
        try
        {
            try
            {
                foreach (var item in batch.Items)
                {
                    await process.StandardInput.WriteLineAsync(Line(batch, item).AsMemory(), cancellationToken);
                }
                await process.StandardInput.FlushAsync(cancellationToken);
            }
            catch (IOException)
            {
                // The command stopped reading (or exited) before taking the whole batch; its exit code tells.
            }
            finally
            {
                try { process.StandardInput.Close(); } catch (IOException) { }
            }
            await process.WaitForExitAsync(cancellationToken);
            await Task.WhenAll(stdout, stderr);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }

        if (process.ExitCode == 0)
        {
            return ExportBatchResult.All(batch);
        }
        var why = lastError is null ? "" : $": {lastError}";
        return ExportBatchResult.Failed($"--exec command exited with {process.ExitCode}{why}");
    }

    /// <summary>One line of the batch: the ledger's facts, then the invoice as TeamUp returned it.</summary>
    internal static string Line(ExportBatch batch, ExportItem item)
    {
        var builder = new StringBuilder();
        using (var writer = new JsonTextWriter(new StringWriter(builder, CultureInfo.InvariantCulture)))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("id");
            writer.WriteValue(item.InvoiceId);
            writer.WritePropertyName("system");
            writer.WriteValue(batch.System);
            writer.WritePropertyName("reason");
            writer.WriteValue(LedgerText.Reason(item.Reason));
            writer.WritePropertyName("version");
            writer.WriteValue(item.Version);
            writer.WritePropertyName("idempotency_key");
            writer.WriteValue(item.IdempotencyKey);
            writer.WritePropertyName("uncertain");
            writer.WriteValue(item.Uncertain);
            writer.WritePropertyName("deliveries");
            writer.WriteValue(item.Deliveries);
            writer.WritePropertyName("invoice");
            writer.WriteRawValue(item.InvoiceJson);
            writer.WriteEndObject();
        }
        return builder.ToString();
    }

    private static async Task PumpAsync(StreamReader reader, Action<string> onLine)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            onLine(line);
        }
    }
}
