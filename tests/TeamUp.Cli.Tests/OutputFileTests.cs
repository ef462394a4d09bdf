using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TeamUp.Cli.Commands;
using TeamUp.Generated;
using TeamUp.Sandbox;

namespace TeamUp.Cli.Tests;

/// <summary>Where an export goes: only regular files replaced, permissions kept, bad paths refused before the job starts.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class OutputFileTests : IClassFixture<SandboxFixture>
{
    private readonly TeamUpSandbox _sandbox;

    public OutputFileTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    private Task<CliResult> ExportAsync(string output, params string[] more) =>
        Tool.RunAsync(_sandbox, ["reports", "export", "invoices", "--columns", "id,status", "--output", output, .. more]);

    private int JobCount => _sandbox.Jobs.Count;

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {process.StandardError.ReadToEnd()}");
    }

    private static string FileType(string path)
    {
        var start = new ProcessStartInfo("stat") { RedirectStandardOutput = true, ArgumentList = { "-c", "%F", path } };
        using var process = Process.Start(start)!;
        var type = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return type;
    }

    [Fact]
    public async Task A_fifo_is_refused_before_the_job_starts_and_stays_a_fifo()
    {
        var dir = Tool.TempDirectory();
        var fifo = Path.Combine(dir, "pipe.csv");
        Run("mkfifo", fifo);
        var jobs = JobCount;

        var result = await ExportAsync(fifo);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is a FIFO (named pipe), not a regular file", result.Stderr);
        Assert.Equal("fifo", FileType(fifo));
        Assert.Equal(jobs, JobCount);
        Assert.Equal([fifo], Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public async Task A_device_node_is_refused_and_stays_a_device()
    {
        var dir = Tool.TempDirectory();
        var device = Path.Combine(dir, "null-like");
        try
        {
            Run("mknod", device, "c", "1", "3"); // our own node in a temp folder, never a real /dev entry
        }
        catch (InvalidOperationException)
        {
            return; // not root: the FIFO test covers the rule
        }
        var jobs = JobCount;

        var result = await ExportAsync(device);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is a character device", result.Stderr);
        Assert.Equal("character special file", FileType(device));
        Assert.Equal(jobs, JobCount);
    }

    [Fact]
    public async Task A_symlink_to_a_device_is_refused()
    {
        var dir = Tool.TempDirectory();
        var fifo = Path.Combine(dir, "pipe");
        Run("mkfifo", fifo);
        var link = Path.Combine(dir, "out.csv");
        File.CreateSymbolicLink(link, fifo);

        var result = await ExportAsync(link);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("FIFO", result.Stderr);
        Assert.Equal("symbolic link", FileType(link));
    }

    [Fact]
    public async Task A_symlink_keeps_being_a_link_and_its_target_is_replaced()
    {
        var dir = Tool.TempDirectory();
        var real = Path.Combine(dir, "real.csv");
        File.WriteAllText(real, "old");
        var link = Path.Combine(dir, "latest.csv");
        File.CreateSymbolicLink(link, "real.csv");

        var result = await ExportAsync(link);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("symbolic link", FileType(link));
        Assert.StartsWith("id,status", File.ReadAllText(real));
        Assert.Equal(2, Directory.GetFileSystemEntries(dir).Length);
    }

    [Fact]
    public async Task Replacing_a_file_keeps_its_permissions_and_a_new_file_gets_the_default()
    {
        var dir = Tool.TempDirectory();
        var secret = Path.Combine(dir, "customers.csv");
        File.WriteAllText(secret, "old");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var fresh = Path.Combine(dir, "fresh.csv");

        var replaced = await ExportAsync(secret);
        var created = await ExportAsync(fresh);

        Assert.True(replaced.ExitCode == 0, replaced.ToString());
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));
        Assert.StartsWith("id,status", File.ReadAllText(secret));
        Assert.True(File.GetUnixFileMode(fresh).HasFlag(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Fact]
    public async Task An_unwritable_folder_is_a_usage_error_before_the_job_starts()
    {
        var jobs = JobCount;

        var result = await ExportAsync("/proc/teamup-export-test.csv");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--output: cannot write in '/proc'", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.Equal(jobs, JobCount);
    }

    [Fact]
    public async Task A_name_too_long_is_a_usage_error_before_the_job_starts()
    {
        var dir = Tool.TempDirectory();
        var jobs = JobCount;

        var result = await ExportAsync(Path.Combine(dir, new string('n', 300) + ".csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("the name is too long", result.Stderr);
        Assert.Equal(jobs, JobCount);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public async Task Stale_partial_files_of_our_naming_are_removed_and_others_are_kept()
    {
        var dir = Tool.TempDirectory();
        var output = Path.Combine(dir, "invoices.csv");
        var stale = Path.Combine(dir, ".invoices.csv.0123abcd.partial");
        var otherTarget = Path.Combine(dir, ".other.csv.0123abcd.partial");
        var notOurs = Path.Combine(dir, ".invoices.csv.notours.partial");
        foreach (var path in new[] { stale, otherTarget, notOurs }) File.WriteAllText(path, "left by a killed run");

        var result = await ExportAsync(output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(otherTarget));
        Assert.True(File.Exists(notOurs));
    }

    [Fact]
    public async Task A_partial_file_held_by_a_running_export_is_left_alone()
    {
        var dir = Tool.TempDirectory();
        var held = Path.Combine(dir, ".invoices.csv.89abcdef.partial");
        await using (var running = new FileStream(held, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            var result = await ExportAsync(Path.Combine(dir, "invoices.csv"));
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.True(File.Exists(held));
        }
    }

    [Theory]
    [InlineData("--idle-timeout", "4294968", "--idle-timeout must be between 1 and 86400")]
    [InlineData("--idle-timeout", "0", "--idle-timeout must be between 1 and 86400")]
    [InlineData("--timeout", "999999999", "--timeout must be between 1 and 604800")]
    [InlineData("--max-bytes", "0", "--max-bytes must be positive")]
    [InlineData("--request-timeout", "100000", "--request-timeout must be between 1 and 86400")]
    public async Task Durations_and_sizes_out_of_range_are_usage_errors_before_the_job(string option, string value, string message)
    {
        var dir = Tool.TempDirectory();
        var jobs = JobCount;

        var result = await ExportAsync(Path.Combine(dir, "x.csv"), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr);
        Assert.Equal(jobs, JobCount);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public async Task A_file_over_max_bytes_is_refused_and_an_existing_file_is_kept()
    {
        var dir = Tool.TempDirectory();
        var output = Path.Combine(dir, "invoices.csv");
        File.WriteAllText(output, "previous");

        var result = await ExportAsync(output, "--max-bytes", "20");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("larger than 20 bytes (--max-bytes)", result.Stderr);
        Assert.Equal("previous", File.ReadAllText(output));
        Assert.Single(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public async Task The_summary_counts_the_rows_of_the_file_written()
    {
        var dir = Tool.TempDirectory();
        var csv = Path.Combine(dir, "invoices.csv");
        var json = Path.Combine(dir, "invoices.json");

        var fromCsv = await ExportAsync(csv);
        var fromJson = await ExportAsync(json, "--format", "json");

        Assert.True(fromCsv.ExitCode == 0, fromCsv.ToString());
        var rows = File.ReadAllLines(csv).Length - 1;
        Assert.Contains($"Exported {rows:N0} invoices rows", fromCsv.Stdout.Replace(",", ""));
        Assert.True(fromJson.ExitCode == 0, fromJson.ToString());
        Assert.Contains($"Exported {rows:N0} invoices rows", fromJson.Stdout.Replace(",", ""));
    }

    [Theory]
    [InlineData("id,note\r\n1,\"two\r\nlines\"\r\n2,x\r\n", 2)]
    [InlineData("id\n1\n2", 2)]
    [InlineData("\uFEFFid\n", 0)]
    [InlineData("", 0)]
    public async Task Csv_rows_are_counted_as_records(string text, int rows)
    {
        Assert.Equal(rows, await ExportRowCounter.CountCsvAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), default));
    }

    [Theory]
    [InlineData("""{"total":99,"column_headers":[],"rows":[{"id":1},{"id":2,"x":[1,2]}]}""", 2)]
    [InlineData("""[{"id":1},{"id":2},{"id":3}]""", 3)]
    [InlineData("""{"rows":[]}""", 0)]
    public async Task Json_rows_are_counted_as_array_elements(string text, int rows)
    {
        Assert.Equal(rows, await ExportRowCounter.CountJsonAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), default));
    }

    [Fact]
    public async Task A_json_file_cut_short_is_not_moved_into_place()
    {
        var error = await Assert.ThrowsAsync<TeamUpApiException>(() =>
            ExportRowCounter.CountJsonAsync(new MemoryStream("""{"rows":[{"id":1},{"id":"""u8.ToArray()), default));

        Assert.Contains("not moved into place", error.Message);
    }

    [Theory]
    [InlineData(28, "no space left on the device")]
    [InlineData(30, "the file system is read-only")]
    public void File_system_failures_are_named(int errno, string words)
    {
        Assert.Equal(words, OutputFile.Reason(new IOException("native message", errno)));
    }
}

/// <summary>Server text on the terminal, exceptions without stack traces, messages in the CLI's words.</summary>
public sealed class CliMessageTests
{
    private static async Task<(int Code, string Stderr)> GuardAsync(Exception thrown)
    {
        var stderr = new StringWriter();
        var cli = new CliContext(new StringWriter(), stderr, CliHost.Plain);
        var code = await CommandRunner.GuardAsync(cli, () => throw thrown, CancellationToken.None);
        return (code, stderr.ToString());
    }

    [Fact]
    public async Task Escape_sequences_and_forged_lines_from_a_server_are_shown_not_acted_on()
    {
        var (code, stderr) = await GuardAsync(new TeamUpApiException(
            "Invoices_List failed: 400 Bad Request. x\u001b[2J\u001b]0;pwned\u0007\nteamup: export finished\u009b31m\u202e.", 400, "Invoices_List", null, null, null, null));

        Assert.Equal(1, code);
        Assert.DoesNotContain(stderr.TrimEnd('\n'), c => char.IsControl(c) || c == '\u202E');
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains("x\\x1B[2J\\x1B]0;pwned\\x07\\x0Ateamup: export finished\\x9B31m\\u202E", stderr);
    }

    [Fact]
    public async Task An_unexpected_exception_is_one_line_without_a_stack_trace()
    {
        var (code, stderr) = await GuardAsync(new InvalidOperationException("something odd"));

        Assert.Equal(1, code);
        Assert.Equal("teamup: failed: something odd (InvalidOperationException)", stderr.Trim());
    }

    [Fact]
    public async Task A_file_system_failure_is_not_called_a_network_failure()
    {
        var (code, stderr) = await GuardAsync(new IOException("disk", 28));

        Assert.Equal(1, code);
        Assert.DoesNotContain("no response", stderr);
        Assert.Contains("no space left on the device", stderr);
    }

    [Fact]
    public async Task Timeout_messages_name_the_flag_a_cli_user_can_change()
    {
        var (_, stderr) = await GuardAsync(new TeamUpApiException(
            "Invoices_List failed: no response. The request timed out after 120 s (TeamUpClientOptions.AttemptTimeout / TotalTimeout).", 0, "Invoices_List", null, null, null, null));

        Assert.DoesNotContain("TeamUpClientOptions", stderr);
        Assert.Contains("(--request-timeout)", stderr);
    }

    [Fact]
    public async Task Parse_errors_name_what_to_type_not_dotnet_types()
    {
        var result = await Tool.RunAsync("reports", "export", "invoices", "--columns", "id", "--output", "x.csv", "--idle-timeout", "4294967296");

        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain("System.", result.Stderr);
        Assert.Contains("as a whole number", result.Stderr);
    }

    [Fact]
    public async Task Sandbox_serve_on_a_port_in_use_says_so()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;

        var result = await Tool.RunAsync("sandbox", "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"port {port} is already in use", result.Stderr);
        Assert.DoesNotContain("no response", result.Stderr);
    }
}
