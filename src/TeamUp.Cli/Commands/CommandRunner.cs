using TeamUp.Cli.Api;
using TeamUp.Generated;

namespace TeamUp.Cli.Commands;

/// <summary>Runs a command body and maps failures to exit codes: usage 2, API/network 1. Tokens never reach the output.</summary>
internal static class CommandRunner
{
    public static async Task<int> GuardAsync(CliContext cli, Func<Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body();
        }
        catch (UsageException e)
        {
            cli.Log(e.Message);
            return ExitCodes.Usage;
        }
        catch (TeamUpExportTimeoutException e)
        {
            // The library's wording names its setting; a CLI user set --timeout, and can pick the job up again.
            cli.Log($"export job {e.JobId} did not finish within --timeout ({e.Waited.TotalSeconds:0} s); " +
                    $"{e.LastStatus?.CompleteItems ?? 0} of {e.LastStatus?.TotalItems ?? 0} items were done. " +
                    $"It goes on: check it later with `teamup jobs get {e.JobId}`.");
            return ExitCodes.ApiFailure;
        }
        catch (TeamUpDownloadStalledException e)
        {
            // The library names the setting that bounded the wait; a CLI user set it with --idle-timeout.
            cli.Log($"{e.Operation} failed: no data arrived for {e.IdleTimeout.TotalSeconds:0.###} s (--idle-timeout); the connection looks stalled.");
            return ExitCodes.ApiFailure;
        }
        catch (TeamUpApiException e)
        {
            // The client's messages name the operation and the status ("Invoices_List failed: 503 Service Unavailable. ...").
            // Where one names a client option the CLI sets from a flag, the user reads the flag.
            var message = e.Message
                .Replace("ExportWaitOptions.MaxDownloadSize", "--max-bytes", StringComparison.Ordinal)
                .Replace("TeamUpClientOptions.AttemptTimeout / TotalTimeout", "--request-timeout", StringComparison.Ordinal)
                .Replace("TeamUpClientOptions.MaxResponseSize", "the CLI's limit on one API answer; ask for fewer rows per page (--page-size) or fewer --expand/--fields", StringComparison.Ordinal);
            cli.Log(message.Contains(" failed: ", StringComparison.Ordinal) || message.Contains(" refused: ", StringComparison.Ordinal)
                ? message
                : $"{e.Operation ?? "TeamUp request"} failed: {message}");
            return ExitCodes.ApiFailure;
        }
        catch (InvalidDataException e)
        {
            // An answer that arrived but is not what the API documents.
            cli.Log(e.Message);
            return ExitCodes.ApiFailure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cli.Log("cancelled.");
            return ExitCodes.ApiFailure;
        }
        catch (OutputFileException e)
        {
            cli.Log(e.Message);
            return ExitCodes.ApiFailure;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            cli.Log($"request failed: no response. {e.Message}");
            return ExitCodes.ApiFailure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not the network (the client reports that as TeamUpApiException): the file system, said as such.
            cli.Log($"failed: {OutputFile.Reason(e)}");
            return ExitCodes.ApiFailure;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever else goes wrong is reported in one line, never as a stack trace.
            cli.Log($"failed: {e.Message} ({e.GetType().Name})");
            return ExitCodes.ApiFailure;
        }
    }

    /// <summary>Opens a session (maybe starting the sandbox) and runs <paramref name="body"/> in it.</summary>
    public static async Task<int> WithSessionAsync(CliContext cli, ConnectionSettings settings, Func<CliSession, Task<int>> body, CancellationToken cancellationToken)
    {
        await using var session = await CliSession.OpenAsync(settings, cli, cancellationToken);
        return await body(session);
    }

    /// <summary>Splits repeated and comma-separated values: <c>--expand a,b --expand c</c>.</summary>
    public static string[] SplitList(IEnumerable<string>? values) =>
        values is null ? [] : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}
