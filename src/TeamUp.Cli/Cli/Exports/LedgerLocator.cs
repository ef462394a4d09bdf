using TeamUp.Ledger;
using TeamUp.Ledger.Sqlite;

namespace TeamUp.Cli.Exports;

/// <summary>
/// Which ledger a command uses: <c>--ledger</c>, else <c>TEAMUP_LEDGER</c>, else the default file
/// (<see cref="DefaultPath"/>). The ledger is opened (created or migrated) before any request to TeamUp, so that a
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

    public static async Task<IExportLedgerStore> OpenAsync(string? option, CancellationToken cancellationToken)
    {
        var given = NonEmpty(option) ?? NonEmpty(Environment.GetEnvironmentVariable(EnvironmentVariable));
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

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
