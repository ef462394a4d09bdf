using System.Globalization;
using System.Text;
using Npgsql;

namespace TeamUp.Ledger.PostgreSql;

/// <summary>
/// Reads where a PostgreSQL ledger is from what a user types after <c>--ledger</c> or in <c>TEAMUP_LEDGER</c>: a
/// <c>postgres://</c> (or <c>postgresql://</c>) URL as libpq writes them, or an Npgsql connection string
/// (<c>Host=db;Database=teamup;Username=sync</c>). Both may name the schema the ledger lives in
/// (<c>?schema=x</c>, <c>Schema=x</c>; default <see cref="PostgresLedgerOptions.DefaultSchema"/>).
/// </summary>
/// <remarks>
/// Passwords belong in <c>PGPASSWORD</c> or <c>~/.pgpass</c> (Npgsql reads both), not on a command line that other
/// users of the machine can see; one given in the string is accepted but never shown (<see cref="Describe"/>).
/// </remarks>
public static class PostgresLedgerLocation
{
    private static readonly string[] UrlSchemes = ["postgres://", "postgresql://"];

    /// <summary>
    /// The URL query parameters understood (libpq's names) and the Npgsql keyword each becomes; <c>schema</c> is ours.
    /// </summary>
    private static readonly Dictionary<string, string> UrlParameters = new(StringComparer.Ordinal)
    {
        ["host"] = "Host",
        ["port"] = "Port",
        ["user"] = "Username",
        ["password"] = "Password",
        ["dbname"] = "Database",
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["target_session_attrs"] = "Target Session Attributes",
        ["passfile"] = "Passfile",
        ["options"] = "Options",
        ["schema"] = "",
    };

    /// <summary>
    /// Whether <paramref name="ledger"/> names a PostgreSQL database (a URL, or a connection string with a
    /// <c>Host</c>/<c>Server</c> keyword) rather than a SQLite file path.
    /// </summary>
    public static bool IsPostgres(string? ledger)
    {
        if (string.IsNullOrWhiteSpace(ledger)) return false;
        var text = ledger.Trim();
        if (UrlSchemes.Any(s => text.StartsWith(s, StringComparison.OrdinalIgnoreCase))) return true;
        foreach (var part in text.Split(';'))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) continue;
            var key = part[..eq].Trim();
            if (key.Equals("Host", StringComparison.OrdinalIgnoreCase) || key.Equals("Server", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>
    /// Parses a URL or connection string into store options; an <see cref="ArgumentException"/> says what is wrong
    /// (never quoting a password).
    /// </summary>
    public static PostgresLedgerOptions Parse(string ledger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ledger);
        var text = ledger.Trim();
        string? schema = null;
        NpgsqlConnectionStringBuilder builder;
        if (UrlSchemes.Any(s => text.StartsWith(s, StringComparison.OrdinalIgnoreCase)))
        {
            builder = ParseUrl(text, out schema);
        }
        else
        {
            var rest = new List<string>();
            foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = part.IndexOf('=');
                if (eq > 0 && part[..eq].Trim().Equals("Schema", StringComparison.OrdinalIgnoreCase))
                {
                    schema = part[(eq + 1)..].Trim();
                }
                else
                {
                    rest.Add(part);
                }
            }
            try
            {
                builder = new NpgsqlConnectionStringBuilder(string.Join(';', rest));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"The PostgreSQL connection string is not valid: {Redact(e.Message)}", nameof(ledger));
            }
        }
        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new ArgumentException("The PostgreSQL ledger names no host: give postgres://HOST/DATABASE or Host=HOST;Database=DATABASE.", nameof(ledger));
        }
        return new PostgresLedgerOptions
        {
            ConnectionString = builder.ConnectionString,
            Schema = string.IsNullOrEmpty(schema) ? PostgresLedgerOptions.DefaultSchema : schema,
        };
    }

    /// <summary>The ledger as messages show it: <c>postgresql://user@host:port/database (schema s)</c>, never the password.</summary>
    public static string Describe(string connectionString, string schema)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var user = string.IsNullOrEmpty(b.Username) ? "" : b.Username + "@";
        var host = b.Host ?? "";
        var hosts = host.Contains(',', StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[')
            ? host
            : $"{host}:{b.Port.ToString(CultureInfo.InvariantCulture)}";
        return $"postgresql://{user}{hosts}/{b.Database ?? b.Username ?? ""} (schema {schema})";
    }

    private static NpgsqlConnectionStringBuilder ParseUrl(string url, out string? schema)
    {
        schema = null;
        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        string? query = null;
        var q = rest.IndexOf('?');
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }
        string? path = null;
        var slash = rest.IndexOf('/');
        if (slash >= 0)
        {
            path = rest[(slash + 1)..];
            rest = rest[..slash];
        }
        var builder = new NpgsqlConnectionStringBuilder();
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            builder.Username = Decode(colon >= 0 ? userInfo[..colon] : userInfo);
            if (colon >= 0) builder.Password = Decode(userInfo[(colon + 1)..]);
        }
        if (rest.Length > 0)
        {
            // libpq allows several hosts (host1:5432,host2:5433) for failover; Npgsql takes the same list.
            var hosts = rest.Split(',').Select(Decode).ToArray();
            if (hosts.Length == 1 && TrySplitPort(hosts[0], out var h, out var port))
            {
                builder.Host = h;
                if (port is not null) builder.Port = port.Value;
            }
            else
            {
                builder.Host = string.Join(',', hosts);
            }
        }
        if (!string.IsNullOrEmpty(path)) builder.Database = Decode(path);
        if (query is not null)
        {
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                var name = Decode(eq >= 0 ? pair[..eq] : pair);
                var value = eq >= 0 ? Decode(pair[(eq + 1)..]) : "";
                if (!UrlParameters.TryGetValue(name, out var keyword))
                {
                    throw new ArgumentException(
                        $"The PostgreSQL URL has a parameter '{name}' this tool does not know; known: {string.Join(", ", UrlParameters.Keys)}.", "ledger");
                }
                if (name == "schema")
                {
                    schema = value;
                    continue;
                }
                try
                {
                    builder[keyword] = name == "sslmode" ? SslMode(value) : value;
                }
                catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
                {
                    throw new ArgumentException($"The PostgreSQL URL parameter '{name}' is not valid: {Redact(e.Message)}", "ledger");
                }
            }
        }
        return builder;
    }

    private static bool TrySplitPort(string host, out string name, out int? port)
    {
        port = null;
        name = host;
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']');
            if (close < 0) return false;
            name = host[1..close];
            var after = host[(close + 1)..];
            if (after.StartsWith(':')) port = ParsePort(after[1..]);
            return true;
        }
        var colon = host.LastIndexOf(':');
        if (colon < 0 || host.IndexOf(':') != colon) return true;
        name = host[..colon];
        port = ParsePort(host[(colon + 1)..]);
        return true;
    }

    private static int ParsePort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new ArgumentException($"The PostgreSQL URL has port '{text}', not a number from 1 to 65535.", "ledger");

    private static string SslMode(string value) => value switch
    {
        "disable" => "Disable",
        "allow" => "Allow",
        "prefer" => "Prefer",
        "require" => "Require",
        "verify-ca" => "VerifyCA",
        "verify-full" => "VerifyFull",
        _ => throw new ArgumentException($"The PostgreSQL URL has sslmode '{value}'; use disable, allow, prefer, require, verify-ca or verify-full.", "ledger"),
    };

    private static string Decode(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return text;
        }
    }

    /// <summary>Npgsql's messages may quote the string; a password must not reach a log through them.</summary>
    private static string Redact(string message)
    {
        var index = message.IndexOf("password", StringComparison.OrdinalIgnoreCase);
        return index < 0 ? message : new StringBuilder(message[..index]).Append("(password not shown)").ToString();
    }
}
