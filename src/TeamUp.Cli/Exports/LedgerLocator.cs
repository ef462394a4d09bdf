using TeamUp.Ledger;
using TeamUp.Ledger.PostgreSql;
using TeamUp.Ledger.Sqlite;

namespace TeamUp.Cli.Exports;

/// <summary>
/// Which ledger a command uses: <c>--ledger</c>, else <c>TEAMUP_LEDGER</c>, else the default file
/// (<see cref="DefaultPath"/>). A <c>postgres://</c> URL or an Npgsql connection string (<c>Host=...</c>) names a
/// PostgreSQL ledger that many workers share; anything else is a SQLite file path. The ledger is opened (created or migrated) before any request to TeamUp, so that a
/// wrong path or a file that is not a ledger is a usage error with nothing sent and nothing changed.
/// </summary>
internal static class LedgerLocator
{
    public const string EnvironmentVariable = "TEAMUP_LEDGER";

    /// <summary>
    /// <c>teamup/ledger.db</c> in the user's local application data: <c>$XDG_DATA_HOME</c> or <c>~/.local/share</c> on
    /// Linux, <c>~/Library/Application Support</c> on macOS, <c>%LOCALAPPDATA%</c> on Windows.
    /// </summary>
    public static string DefaultPath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
            "teamup", "ledger.db");

    /// <param name="option">The <c>--ledger</c> value, if given.</param>
    /// <param name="environment">Reads <c>TEAMUP_LEDGER</c>: the run's environment (<see cref="CliHost.Environment"/>), so a
    /// test decides what it holds instead of the machine.</param>
    /// <param name="log">Where a PostgreSQL ledger's retries are told (a restarting server is waited for, not failed on).</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    public static async Task<IExportLedgerStore> OpenAsync(string? option, Func<string, string?> environment, Action<string>? log,
        CancellationToken cancellationToken)
    {
        var given = NonEmpty(option) ?? NonEmpty(environment(EnvironmentVariable));
        if (PostgresLedgerLocation.IsPostgres(given))
        {
            return await OpenPostgresAsync(given!, log, cancellationToken);
        }
        string path;
        if (given is null)
        {
            path = DefaultPath;
            // Only the default location is created for the user; a folder they named must exist (a typo should fail,
            // not leave a new folder behind).
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot create the default ledger folder for '{path}': {e.Message}. Give --ledger PATH or set {EnvironmentVariable}.");
            }
        }
        else
        {
            path = given;
        }
        var store = new SqliteExportLedgerStore(path);
        try
        {
            await store.OpenAsync(cancellationToken);
            return store;
        }
        catch (ExportLedgerException e)
        {
            await store.DisposeAsync();
            throw new UsageException($"ledger: {e.Message}");
        }
    }

    private static async Task<IExportLedgerStore> OpenPostgresAsync(string given, Action<string>? log, CancellationToken cancellationToken)
    {
        PostgresExportLedgerStore store;
        try
        {
            var parsed = PostgresLedgerLocation.Parse(given);
            store = new PostgresExportLedgerStore(new PostgresLedgerOptions
            {
                ConnectionString = parsed.ConnectionString,
                Schema = parsed.Schema,
                OnRetry = log is null ? null : r => log($"ledger: {r.Operation} failed ({r.Reason}); retrying in {r.Delay.TotalSeconds:0.0#} s"),
            });
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"ledger: {e.Message}");
        }
        try
        {
            await store.OpenAsync(cancellationToken);
            return store;
        }
        catch (ExportLedgerException e)
        {
            await store.DisposeAsync();
            throw new UsageException($"ledger: {e.Message}");
        }
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
