using TeamUp.Testing;
using Xunit.Sdk;

namespace TeamUp.Ledger.PostgreSql.Tests;

/// <summary>
/// A test that needs PostgreSQL. It runs against the server of <c>TEAMUP_TEST_POSTGRES</c> or a throwaway cluster; it
/// is skipped only when a developer says so with <c>TEAMUP_TEST_SKIP_POSTGRES=1</c> (and the run's summary counts it).
/// </summary>
[XunitTestCaseDiscoverer("Xunit.Sdk.FactDiscoverer", "xunit.execution.{Platform}")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.SkippedByDeveloper) Skip = PostgresServer.SkipReason;
    }
}

/// <summary>One PostgreSQL server for the whole test assembly, started on first use and stopped when the host exits.</summary>
public static class SharedPostgres
{
    private static readonly Lazy<Task<PostgresServer>> Started = new(StartAsync);

    public static Task<PostgresServer> ServerAsync() => Started.Value;

    private static async Task<PostgresServer> StartAsync()
    {
        var server = await PostgresServer.FromEnvironmentOrStartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }
}

/// <summary>A fresh database on the shared server for one test class, dropped afterwards.</summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private PostgresServer? _server;

    public string ConnectionString { get; private set; } = "";

    public PostgresServer Server => _server ?? throw new InvalidOperationException("PostgreSQL was not started");

    public async Task InitializeAsync()
    {
        if (PostgresServer.SkippedByDeveloper) return; // every test of the class is skipped too
        _server = await SharedPostgres.ServerAsync();
        ConnectionString = await _server.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null && ConnectionString.Length > 0) await _server.DropDatabaseAsync(ConnectionString);
    }
}
