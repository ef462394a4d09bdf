using Npgsql;
using TeamUp.Ledger.PostgreSql;

namespace TeamUp.Ledger.PostgreSql.Tests;

/// <summary>What <c>--ledger</c> / <c>TEAMUP_LEDGER</c> may hold for PostgreSQL, and how it is shown.</summary>
public sealed class PostgresLedgerLocationTests
{
    [Theory]
    [InlineData("postgres://db/teamup", true)]
    [InlineData("postgresql://sync@db:5433/teamup?sslmode=require", true)]
    [InlineData("Host=db;Database=teamup;Username=sync", true)]
    [InlineData("server=db;database=teamup", true)]
    [InlineData("ledger.db", false)]
    [InlineData("/var/lib/teamup/ledger.db", false)]
    [InlineData("./host=weird.db", false)]
    [InlineData("", false)]
    public void Tells_a_database_from_a_file_path(string ledger, bool postgres) => Assert.Equal(postgres, PostgresLedgerLocation.IsPostgres(ledger));

    [Fact]
    public void A_url_becomes_a_connection_string_with_libpq_parameters()
    {
        var options = PostgresLedgerLocation.Parse("postgresql://sync%40corp:p%3Ass@db.example:5433/teamup?sslmode=verify-full&application_name=w1&connect_timeout=7&schema=ledger_b");
        var b = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        Assert.Equal("db.example", b.Host);
        Assert.Equal(5433, b.Port);
        Assert.Equal("teamup", b.Database);
        Assert.Equal("sync@corp", b.Username);
        Assert.Equal("p:ss", b.Password);
        Assert.Equal(SslMode.VerifyFull, b.SslMode);
        Assert.Equal("w1", b.ApplicationName);
        Assert.Equal(7, b.Timeout);
        Assert.Equal("ledger_b", options.Schema);
    }

    [Fact]
    public void Several_hosts_and_ipv6_are_kept()
    {
        Assert.Equal("a:5432,b:5433", new NpgsqlConnectionStringBuilder(PostgresLedgerLocation.Parse("postgres://a:5432,b:5433/db").ConnectionString).Host);
        var v6 = new NpgsqlConnectionStringBuilder(PostgresLedgerLocation.Parse("postgres://[::1]:6000/db").ConnectionString);
        Assert.Equal("::1", v6.Host);
        Assert.Equal(6000, v6.Port);
    }

    [Fact]
    public void A_connection_string_may_name_the_schema_and_defaults_to_teamup_ledger()
    {
        Assert.Equal("other", PostgresLedgerLocation.Parse("Host=db;Database=x;Schema=other").Schema);
        var plain = PostgresLedgerLocation.Parse("Host=db;Database=x");
        Assert.Equal(PostgresLedgerOptions.DefaultSchema, plain.Schema);
        Assert.Equal("db", new NpgsqlConnectionStringBuilder(plain.ConnectionString).Host);
    }

    [Theory]
    [InlineData("postgres://db/x?sslmode=maybe", "sslmode 'maybe'")]
    [InlineData("postgres://db/x?pool=9", "parameter 'pool'")]
    [InlineData("postgres://db:99999/x", "port '99999'")]
    [InlineData("postgres:///x", "no host")]
    [InlineData("Host=db;Bogus Key=1", "not valid")]
    public void Bad_input_says_what_is_wrong(string ledger, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => PostgresLedgerLocation.Parse(ledger));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void The_location_never_shows_the_password()
    {
        var options = PostgresLedgerLocation.Parse("postgres://sync:hunter2@db:5433/teamup");
        var location = PostgresLedgerLocation.Describe(options.ConnectionString, options.Schema);
        Assert.Equal("postgresql://sync@db:5433/teamup (schema teamup_ledger)", location);
        var e = Assert.Throws<ArgumentException>(() => PostgresLedgerLocation.Parse("Host=db;Password=hunter2;Bogus=1"));
        Assert.DoesNotContain("hunter2", e.Message);
    }

    [Fact]
    public void A_bad_schema_name_is_refused_before_any_connection()
    {
        var e = Assert.Throws<ArgumentException>(() => new PostgresExportLedgerStore(new PostgresLedgerOptions { ConnectionString = "Host=db", Schema = "x; DROP TABLE y" }));
        Assert.Contains("schema name", e.Message);
    }
}
