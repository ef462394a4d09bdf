using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TeamUp.Testing;

/// <summary>
/// A PostgreSQL server for tests and benchmarks: either the one named by <c>TEAMUP_TEST_POSTGRES</c> (a connection
/// string; <c>.ci/run</c> starts one cluster for the whole run and exports it), or a throwaway cluster this process
/// starts itself in a temporary folder on a free loopback port and stops when disposed (or when this process dies).
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root, so as root the cluster runs as the <c>postgres</c> system user (Debian's package
/// creates it) through <c>runuser</c>. The binaries are found in <c>TEAMUP_PG_BIN</c>, then <c>pg_config --bindir</c>,
/// then the newest <c>/usr/lib/postgresql/N/bin</c> (Debian keeps them off PATH). Any failure throws
/// <see cref="PostgresUnavailableException"/> saying which step failed and why: tests never skip silently.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>A connection string to a server that is already running (set by <c>.ci/run</c>).</summary>
    public const string ConnectionVariable = "TEAMUP_TEST_POSTGRES";

    /// <summary>Set to <c>1</c> to skip the PostgreSQL tests on purpose (a local developer without PostgreSQL).</summary>
    public const string SkipVariable = "TEAMUP_TEST_SKIP_POSTGRES";

    /// <summary>Where to find initdb and pg_ctl when they are not in a standard place.</summary>
    public const string BinVariable = "TEAMUP_PG_BIN";

    private const string ServiceUser = "postgres";

    private readonly string? _directory;
    private readonly string? _bin;
    private Process? _watchdog;

    private PostgresServer(string connectionString, string? directory, string? bin, int port)
    {
        ConnectionString = connectionString;
        _directory = directory;
        _bin = bin;
        Port = port;
    }

    /// <summary>Superuser connection string to the server's <c>postgres</c> database.</summary>
    public string ConnectionString { get; }

    /// <summary>The loopback port (0 for a server given by connection string).</summary>
    public int Port { get; }

    /// <summary>Whether this process started the server (and so may stop and restart it).</summary>
    public bool IsOwned => _directory is not null;

    /// <summary>Whether the PostgreSQL tests were skipped on purpose with <see cref="SkipVariable"/>.</summary>
    public static bool SkippedByDeveloper => Environment.GetEnvironmentVariable(SkipVariable) is "1" or "true";

    public static string SkipReason => $"PostgreSQL tests skipped: {SkipVariable} is set";

    /// <summary>The server given by <see cref="ConnectionVariable"/>, else a throwaway cluster of this process's own.</summary>
    public static Task<PostgresServer> FromEnvironmentOrStartAsync(CancellationToken cancellationToken = default)
    {
        var given = Environment.GetEnvironmentVariable(ConnectionVariable);
        return string.IsNullOrWhiteSpace(given)
            ? StartAsync(cancellationToken)
            : Task.FromResult(new PostgresServer(given, directory: null, bin: null, port: 0));
    }

    /// <summary>Starts a throwaway cluster: initdb, pg_ctl start on a free loopback port; about 3 s.</summary>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows()) throw new PostgresUnavailableException($"throwaway clusters are started on Linux and macOS only; set {ConnectionVariable}");
        var bin = FindBinaries();
        var asRoot = Environment.IsPrivilegedProcess;
        if (asRoot && !UserExists(ServiceUser))
        {
            throw new PostgresUnavailableException(
                $"running as root, and PostgreSQL refuses to run as root, but there is no '{ServiceUser}' system user to run it as");
        }

        // The folder is the test's: world-writable (mode 0777) so the postgres user can create data/ inside; the
        // socket goes there too so nothing is left in /var/run.
        var directory = Directory.CreateTempSubdirectory("teamup-pg-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("777", 8));
        var data = Path.Combine(directory, "data");
        try
        {
            await RunAsync(bin, asRoot, "initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"], cancellationToken);
            // A free port can be taken by another process between our probe and the server's bind: try a few.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort();
                var server = new PostgresServer(
                    $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=10", directory, bin, port);
                try
                {
                    await server.StartServerAsync(cancellationToken);
                    server.StartWatchdog();
                    return server;
                }
                catch (PostgresUnavailableException) when (attempt < 3 && server.Log().Contains("could not bind", StringComparison.Ordinal))
                {
                }
            }
        }
        catch
        {
            TryDelete(directory);
            throw;
        }
    }

    /// <summary>Stops the server (fast shutdown: sessions are disconnected, like a restart by an operator).</summary>
    public Task StopServerAsync(CancellationToken cancellationToken = default)
    {
        RequireOwned();
        return RunAsync(_bin!, Environment.IsPrivilegedProcess, "pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], cancellationToken);
    }

    /// <summary>Starts the server again on the same port (after <see cref="StopServerAsync"/>).</summary>
    public Task StartServerAsync(CancellationToken cancellationToken = default)
    {
        RequireOwned();
        var options = $"-p {Port} -c listen_addresses=127.0.0.1 -k {_directory} -c max_connections=200";
        return RunAsync(_bin!, Environment.IsPrivilegedProcess, "pg_ctl",
            ["-D", DataDirectory, "-l", LogPath, "-w", "-t", "30", "-o", options, "start"], cancellationToken,
            explain: Log);
    }

    /// <summary>The connection string of database <paramref name="database"/> on this server.</summary>
    public string ConnectionStringFor(string database) =>
        new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { Database = database }.ConnectionString;

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "teamup_test", CancellationToken cancellationToken = default)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionStringFor(name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, disconnecting whoever is still in it.</summary>
    public async Task DropDatabaseAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var name = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database;
        Npgsql.NpgsqlConnection.ClearAllPools();
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is null) return;
        try
        {
            await RunAsync(_bin!, Environment.IsPrivilegedProcess, "pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None);
        }
        catch (PostgresUnavailableException)
        {
            // Already stopped (a test stopped it and failed before starting it again): nothing to stop.
        }
        try
        {
            if (_watchdog is { HasExited: false }) _watchdog.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        _watchdog?.Dispose();
        TryDelete(_directory);
    }

    private string DataDirectory => Path.Combine(_directory!, "data");

    private string LogPath => Path.Combine(_directory!, "server.log");

    /// <summary>The end of the server's log, to say why it did not start.</summary>
    public string Log()
    {
        if (_directory is null || !File.Exists(LogPath)) return "";
        var lines = File.ReadAllLines(LogPath);
        return string.Join('\n', lines.TakeLast(15));
    }

    private void RequireOwned()
    {
        if (_directory is null) throw new InvalidOperationException("this server was given by connection string; only a server this process started can be stopped");
    }

    /// <summary>
    /// If this process dies without disposing (a test host killed on a timeout), a small shell loop notices and stops
    /// the cluster and removes its folder, so no orphan server is left holding a port.
    /// </summary>
    private void StartWatchdog()
    {
        var stop = Command(_bin!, Environment.IsPrivilegedProcess, "pg_ctl", ["-D", DataDirectory, "-m", "immediate", "stop"]);
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 2; done; " +
                     $"{string.Join(' ', stop.Select(Quote))} >/dev/null 2>&1; rm -rf {Quote(_directory!)}";
        var start = new ProcessStartInfo("sh") { UseShellExecute = false, RedirectStandardInput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        _watchdog = Process.Start(start);
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    private static string[] Command(string bin, bool asRoot, string tool, string[] args)
    {
        var exe = Path.Combine(bin, tool);
        return asRoot ? ["runuser", "-u", ServiceUser, "--", exe, .. args] : [exe, .. args];
    }

    private static async Task RunAsync(string bin, bool asRoot, string tool, string[] args, CancellationToken cancellationToken, Func<string>? explain = null)
    {
        var command = Command(bin, asRoot, tool, args);
        var start = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetTempPath(), // the postgres user cannot enter root's working directory
        };
        foreach (var a in command.Skip(1)) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PostgresUnavailableException($"could not run {command[0]}: {e.Message}");
        }
        using (process)
        {
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new PostgresUnavailableException($"{tool} did not finish within 60 s");
            }
            if (process.ExitCode != 0)
            {
                var text = new StringBuilder()
                    .Append(tool).Append(" exited with ").Append(process.ExitCode).Append(": ")
                    .Append((await error).Trim()).Append(' ').Append((await output).Trim());
                var log = explain?.Invoke();
                if (!string.IsNullOrEmpty(log)) text.Append("\nserver log:\n").Append(log);
                throw new PostgresUnavailableException(text.ToString().Trim());
            }
        }
    }

    private static string FindBinaries()
    {
        var given = Environment.GetEnvironmentVariable(BinVariable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            return File.Exists(Path.Combine(given, "initdb"))
                ? given
                : throw new PostgresUnavailableException($"{BinVariable}={given} has no initdb");
        }
        try
        {
            var start = new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(start)!;
            var dir = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            if (p.ExitCode == 0 && File.Exists(Path.Combine(dir, "initdb"))) return dir;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // no pg_config on PATH: look in Debian's versioned folders
        }
        const string debian = "/usr/lib/postgresql";
        var found = Directory.Exists(debian)
            ? Directory.GetDirectories(debian)
                .Select(d => (Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1, Bin: Path.Combine(d, "bin")))
                .Where(x => x.Version > 0 && File.Exists(Path.Combine(x.Bin, "initdb")))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Bin)
                .FirstOrDefault()
            : null;
        return found ?? throw new PostgresUnavailableException(
            $"no PostgreSQL server binaries found (no initdb in {BinVariable}, pg_config --bindir or {debian}/N/bin); " +
            $"install PostgreSQL (Debian: apt-get install postgresql-15), or set {ConnectionVariable} to a server's " +
            $"connection string, or set {SkipVariable}=1 to skip these tests");
    }

    private static bool UserExists(string name) =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(l => l.StartsWith(name + ":", StringComparison.Ordinal));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>PostgreSQL could not be found or started; the message says which step failed and why.</summary>
public sealed class PostgresUnavailableException(string message)
    : Exception($"PostgreSQL is needed by these tests and could not be started: {message}");
