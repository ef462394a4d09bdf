using Npgsql;
using TeamUp.Testing;

namespace TeamUp.Ledger.PostgreSql.Tests;

/// <summary>The test server itself: what the other PostgreSQL tests stand on.</summary>
public sealed class PostgresServerTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task The_shared_server_answers_and_the_class_database_is_empty()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var version = new NpgsqlCommand("select current_setting('server_version_num')::int", connection);
        Assert.True((int)(await version.ExecuteScalarAsync())! >= 150000);
        await using var tables = new NpgsqlCommand("select count(*) from information_schema.tables where table_schema = 'public'", connection);
        Assert.Equal(0L, await tables.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_throwaway_cluster_runs_on_loopback_restarts_on_its_port_and_leaves_nothing_behind()
    {
        string directory;
        int port;
        await using (var server = await PostgresServer.StartAsync())
        {
            Assert.True(server.IsOwned);
            port = server.Port;
            directory = Directory.GetDirectories(Path.GetTempPath(), "teamup-pg-*").Single(d => File.Exists(Path.Combine(d, "data", "postmaster.pid")) && File.ReadAllText(Path.Combine(d, "data", "postmaster.pid")).Contains($"\n{port}\n"));
            Assert.Equal("127.0.0.1", await ScalarAsync(server.ConnectionString, "select host(inet_server_addr())"));

            await server.StopServerAsync();
            NpgsqlConnection.ClearAllPools();
            var refused = await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync(server.ConnectionString, "select 1"));
            Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, Assert.IsType<System.Net.Sockets.SocketException>(refused.InnerException).SocketErrorCode);

            await server.StartServerAsync();
            NpgsqlConnection.ClearAllPools();
            Assert.Equal(1, await ScalarAsync(server.ConnectionString, "select 1"));
        }
        Assert.False(Directory.Exists(directory));
        using var probe = new System.Net.Sockets.TcpClient();
        await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => probe.ConnectAsync("127.0.0.1", port));
    }

    [Fact]
    public async Task Missing_binaries_fail_with_the_reason_and_the_way_out()
    {
        var previous = Environment.GetEnvironmentVariable(PostgresServer.BinVariable);
        var empty = Directory.CreateTempSubdirectory("teamup-nopg-").FullName;
        try
        {
            Environment.SetEnvironmentVariable(PostgresServer.BinVariable, empty);
            var e = await Assert.ThrowsAsync<PostgresUnavailableException>(() => PostgresServer.StartAsync());
            Assert.Contains("could not be started", e.Message);
            Assert.Contains($"{PostgresServer.BinVariable}={empty} has no initdb", e.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PostgresServer.BinVariable, previous);
            Directory.Delete(empty);
        }
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
