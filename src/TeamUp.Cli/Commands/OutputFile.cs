using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace TeamUp.Cli.Commands;

/// <summary>
/// The file an export is written to, prepared before the export job starts so that a path that cannot work is a usage
/// error (exit 2) and not a failure after the job ran. The rules:
/// <list type="bullet">
/// <item>Only a regular file is ever replaced. A folder, device, FIFO or socket is refused.</item>
/// <item>A symbolic link is followed: its final target is replaced (the link stays a link). A link to something that is
/// not a regular file is refused like that thing.</item>
/// <item>The bytes go to <c>.NAME.&lt;hex&gt;.partial</c> next to the target, created at once (so an unwritable folder, a
/// read-only file system or a name that is too long is found before the job starts) with the existing file's
/// permissions, and renamed over the target only once the file is complete. An existing file keeps its mode (and, as
/// root, its owner); a new one gets the usual default (umask).</item>
/// <item>Temporary files of this naming left by a run that was killed (no process holds them) are removed.</item>
/// </list>
/// </summary>
internal sealed partial class OutputFile : IAsyncDisposable
{
    private readonly string _temp;
    private bool _done;

    private OutputFile(string requested, string target, string temp, FileStream stream)
    {
        Requested = requested;
        Target = target;
        _temp = temp;
        Stream = stream;
    }

    /// <summary>The path as the user gave it (made absolute).</summary>
    public string Requested { get; }

    /// <summary>The regular file that is replaced: <see cref="Requested"/>, or the final target of the link it names.</summary>
    public string Target { get; }

    /// <summary>Where the bytes go until <see cref="CommitAsync"/>.</summary>
    public FileStream Stream { get; }

    /// <summary>Checks the path and creates the temporary file; throws a <see cref="UsageException"/> that says what is wrong.</summary>
    public static OutputFile Prepare(string path)
    {
        var requested = Path.GetFullPath(path);
        var target = requested;
        var kind = Kind(requested);
        if (kind == EntryKind.SymbolicLink)
        {
            FileSystemInfo? final;
            try
            {
                final = new FileInfo(requested).ResolveLinkTarget(returnFinalTarget: true);
            }
            catch (IOException e)
            {
                throw new UsageException($"--output: '{requested}' is a symbolic link that cannot be followed ({e.Message}).");
            }
            target = final?.FullName ?? requested;
            kind = Kind(target);
            if (kind == EntryKind.SymbolicLink)
            {
                throw new UsageException($"--output: '{requested}' is a symbolic link that cannot be followed.");
            }
        }
        if (kind == EntryKind.Directory)
        {
            throw new UsageException($"--output: '{target}' is a folder.");
        }
        if (kind is EntryKind.Other(var what))
        {
            throw new UsageException($"--output: '{target}' is {what}, not a regular file; only a regular file is written or replaced.");
        }
        var directory = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(directory))
        {
            throw new UsageException($"--output: the folder '{directory}' does not exist.");
        }
        RemoveStale(directory, Path.GetFileName(target));

        var temp = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..8]}.partial");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite, // read back to count the rows the file holds
            Share = FileShare.None,
            BufferSize = 81920,
            Options = FileOptions.Asynchronous,
        };
        FileStatus? existing = kind == EntryKind.RegularFile ? Stat(target) : null;
        if (!OperatingSystem.IsWindows() && existing is { } status)
        {
            // Created with the replaced file's permissions from the first byte: a 0600 file's data is never readable by others.
            options.UnixCreateMode = (UnixFileMode)(status.Mode & 0xFFF);
        }
        FileStream stream;
        try
        {
            stream = new FileStream(temp, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--output: cannot write in '{directory}': {Reason(e)}");
        }
        try
        {
            if (!OperatingSystem.IsWindows() && existing is { } owned && Environment.IsPrivilegedProcess)
            {
                // As root, a new file would belong to root: give it the replaced file's owner, as editing it would.
                _ = Chown(temp, owned.Uid, owned.Gid);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
        return new OutputFile(requested, target, temp, stream);
    }

    /// <summary>Moves the complete file into place.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await Stream.FlushAsync(cancellationToken);
        await Stream.DisposeAsync();
        try
        {
            // Checked again: the target may have been replaced by something else while the job ran.
            var now = Kind(Target);
            if (now != EntryKind.Missing && now != EntryKind.RegularFile)
            {
                throw new OutputFileException($"'{Target}' is no longer a regular file; the export was not moved over it (it is in '{_temp}').", null);
            }
            File.Move(_temp, Target, overwrite: true);
            _done = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not OutputFileException)
        {
            throw new OutputFileException($"could not move the export into place at '{Target}': {Reason(e)}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        if (!_done)
        {
            try { File.Delete(_temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>A file-system failure said in words: which call failed and why, without the exception's type.</summary>
    internal static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "the name is too long",
        DirectoryNotFoundException => "the folder does not exist",
        IOException io when (io.HResult & 0xFFFF) == 28 => "no space left on the device",
        IOException io when (io.HResult & 0xFFFF) == 30 => "the file system is read-only",
        IOException io when (io.HResult & 0xFFFF) == 36 => "the name is too long",
        _ => e.Message,
    };

    [GeneratedRegex(@"^\.(?<name>.+)\.[0-9a-f]{8}\.partial$")]
    private static partial Regex PartialName();

    /// <summary>
    /// Removes <c>.NAME.&lt;hex&gt;.partial</c> files of this target that no running export holds. A run holds its temporary
    /// file open without sharing (an exclusive lock on Unix), so a file that opens the same way is one a killed run left.
    /// </summary>
    private static void RemoveStale(string directory, string name)
    {
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, $".{name}.*.partial").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var path in candidates)
        {
            var match = PartialName().Match(Path.GetFileName(path));
            if (!match.Success || match.Groups["name"].Value != name || Kind(path) != EntryKind.RegularFile)
            {
                continue;
            }
            try
            {
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Held by a run in progress, or not ours to remove.
            }
        }
    }

    internal abstract record EntryKind
    {
        public static readonly EntryKind Missing = new Simple("missing");
        public static readonly EntryKind RegularFile = new Simple("a regular file");
        public static readonly EntryKind Directory = new Simple("a folder");
        public static readonly EntryKind SymbolicLink = new Simple("a symbolic link");

        private sealed record Simple(string Name) : EntryKind;

        public sealed record Other(string What) : EntryKind;
    }

    /// <summary>What is at <paramref name="path"/>, without following a final symbolic link.</summary>
    internal static EntryKind Kind(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            var info = new FileInfo(path);
            if (!info.Exists && !System.IO.Directory.Exists(path)) return EntryKind.Missing;
            if (info.LinkTarget is not null) return EntryKind.SymbolicLink;
            return System.IO.Directory.Exists(path) ? EntryKind.Directory : EntryKind.RegularFile;
        }
        var status = LStat(path);
        if (status is null) return EntryKind.Missing;
        return (status.Value.Mode & 0xF000) switch
        {
            0x8000 => EntryKind.RegularFile,
            0x4000 => EntryKind.Directory,
            0xA000 => EntryKind.SymbolicLink,
            0x2000 => new EntryKind.Other("a character device"),
            0x6000 => new EntryKind.Other("a block device"),
            0x1000 => new EntryKind.Other("a FIFO (named pipe)"),
            0xC000 => new EntryKind.Other("a socket"),
            _ => new EntryKind.Other("not a regular file"),
        };
    }

    // .NET's own native shim (the one File and FileStream use) reports the file type, which FileSystemInfo does not.
    [StructLayout(LayoutKind.Sequential)]
    internal struct FileStatus
    {
        public int Flags;
        public int Mode;
        public uint Uid;
        public uint Gid;
        public long Size;

        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 32)]
        public long[] Rest; // times, device, inode, flags: room to spare for the shim's struct
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
    private static extern int SystemNativeLStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus status);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int SystemNativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus status);

    [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int Chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint owner, uint group);

    private static FileStatus? LStat(string path) => SystemNativeLStat(path, out var status) == 0 ? status : null;

    private static FileStatus? Stat(string path) => OperatingSystem.IsWindows() ? null : SystemNativeStat(path, out var status) == 0 ? status : null;
}

/// <summary>Writing the output file failed (a full disk, permissions, the target replaced meanwhile): said as such, exit 1.</summary>
internal sealed class OutputFileException(string message, Exception? inner) : IOException(message, inner);
