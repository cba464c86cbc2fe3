using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Formats.Cli;

/// <summary>The owner an entry gets: user and group ids and names (null: not set; the format writes 0 and no name).</summary>
internal readonly record struct Owner(int? UserId, int? GroupId, string? UserName, string? GroupName);

/// <summary>
/// Who owns what goes into an archive: a file's owner from stat(2), named as the system's user and group databases name
/// it (getpwuid_r and getgrgid_r, so NSS sources count, as for GNU tar), and GNU tar's overrides <c>--owner NAME[:UID]</c>,
/// <c>--group NAME[:GID]</c> and <c>--numeric-owner</c>. Sources without an owner (standard input, URLs) get only the
/// overrides.
/// </summary>
internal sealed partial class FileOwner
{
    private readonly int? _userId;
    private readonly int? _groupId;
    private readonly string? _userName;
    private readonly string? _groupName;
    private readonly bool _numeric;

    private FileOwner(int? userId, string? userName, int? groupId, string? groupName, bool numeric)
    {
        (_userId, _userName, _groupId, _groupName, _numeric) = (userId, userName, groupId, groupName, numeric);
    }

    /// <summary>No overrides: each file's own owner, with names.</summary>
    public static FileOwner FromFiles { get; } = new(null, null, null, null, numeric: false);

    /// <summary>The overrides the command line gives (<c>--owner</c>, <c>--group</c>, <c>--numeric-owner</c>).</summary>
    public static FileOwner Parse(string? owner, string? group, bool numeric)
    {
        var (userId, userName) = owner is null ? (null, null) : ParseOne("--owner", owner, UserName, UserIdOf, "user");
        var (groupId, groupName) = group is null ? (null, null) : ParseOne("--group", group, GroupName, GroupIdOf, "group");
        return new FileOwner(userId, userName, groupId, groupName, numeric);
    }

    /// <summary>The owner of an entry whose file has <paramref name="stat"/> (null: a source without one).</summary>
    public Owner For(UnixStat? stat)
    {
        int? userId = _userId ?? Id(stat?.UserId);
        int? groupId = _groupId ?? Id(stat?.GroupId);
        if (_numeric)
        {
            return new Owner(userId, groupId, null, null);
        }

        var userName = _userId is not null ? _userName : stat is { } u ? UserName(u.UserId) : null;
        var groupName = _groupId is not null ? _groupName : stat is { } g ? GroupName(g.GroupId) : null;
        return new Owner(userId, groupId, userName, groupName);
    }

    /// <summary>An id an entry can hold (ids above int.MaxValue, such as (uid_t)-1, are not real owners: none is written).</summary>
    private static int? Id(uint? id) => id is { } v && v <= int.MaxValue ? (int)v : null;

    /// <summary>NAME:ID, or NAME alone (its id from the database), or ID alone (its name from the database, if any).</summary>
    private static (int? Id, string? Name) ParseOne(string option, string text, Func<uint, string?> nameOf, Func<string, uint?> idOf, string what)
    {
        var colon = text.LastIndexOf(':');
        var name = colon < 0 ? text : text[..colon];
        if (colon >= 0)
        {
            if (name.Length == 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw new UsageException($"{option}: '{text}' is not NAME, ID or NAME:ID (ID a number from 0 to {int.MaxValue})");
            }

            return (id, name);
        }

        if (name.Length > 0 && name.All(char.IsAsciiDigit))
        {
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw new UsageException($"{option}: '{text}' is above the largest id, {int.MaxValue}");
            }

            return (id, nameOf((uint)id));
        }

        if (name.Length == 0)
        {
            throw new UsageException($"{option}: needs NAME, ID or NAME:ID");
        }

        return idOf(name) is { } known && Id(known) is { } found
            ? (found, name)
            : throw new UsageException($"{option}: no {what} '{name}' on this system; give its id too, as {name}:ID");
    }

    private static readonly ConcurrentDictionary<uint, string?> UserNames = new();
    private static readonly ConcurrentDictionary<uint, string?> GroupNames = new();

    /// <summary>The user database's name for <paramref name="uid"/>, or null.</summary>
    public static string? UserName(uint uid) => UserNames.GetOrAdd(uid, static id => Lookup((entry, buffer, size, out result) => GetPasswordByUid(id, entry, buffer, size, out result), ReadName, null));

    /// <summary>The group database's name for <paramref name="gid"/>, or null.</summary>
    public static string? GroupName(uint gid) => GroupNames.GetOrAdd(gid, static id => Lookup((entry, buffer, size, out result) => GetGroupByGid(id, entry, buffer, size, out result), ReadName, null));

    private static uint? UserIdOf(string name) =>
        Lookup((entry, buffer, size, out result) => GetPasswordByName(name, entry, buffer, size, out result), ReadId(PasswordUidOffset), null);

    private static uint? GroupIdOf(string name) =>
        Lookup((entry, buffer, size, out result) => GetGroupByName(name, entry, buffer, size, out result), ReadId(GroupGidOffset), null);

    /// <summary>pw_uid: after pw_name and pw_passwd (two pointers) in struct passwd.</summary>
    private const int PasswordUidOffset = 16;

    /// <summary>gr_gid: after gr_name and gr_passwd (two pointers) in struct group.</summary>
    private const int GroupGidOffset = 16;

    /// <summary>sizeof(struct passwd) is 48 and sizeof(struct group) 32 on 64-bit Linux; room to spare.</summary>
    private const int EntrySize = 128;

    private const int ERANGE = 34;

    /// <summary>pw_name and gr_name: the first field of struct passwd and struct group, a pointer into the string buffer.</summary>
    private static unsafe string? ReadName(nint entry) => Marshal.PtrToStringUTF8(*(nint*)entry);

    private static unsafe Func<nint, uint?> ReadId(int offset) => entry => *(uint*)(entry + offset);

    private delegate int LookupCall(nint entry, nint buffer, nuint size, out nint result);

    /// <summary>
    /// Runs a getpw*_r / getgr*_r <paramref name="call"/>, growing its string buffer on ERANGE, and reads the entry
    /// found with <paramref name="read"/> while its strings are still pinned; <paramref name="none"/> when there is none.
    /// </summary>
    private static unsafe T Lookup<T>(LookupCall call, Func<nint, T> read, T none)
    {
        if (!OperatingSystem.IsLinux() || IntPtr.Size != 8)
        {
            return none;
        }

        var entry = stackalloc byte[EntrySize];
        for (var size = 1024; size <= 1 << 20; size *= 4)
        {
            var buffer = new byte[size];
            fixed (byte* strings = buffer)
            {
                int error;
                nint result;
                try
                {
                    error = call((nint)entry, (nint)strings, (nuint)size, out result);
                }
                catch (EntryPointNotFoundException)
                {
                    return none;
                }

                if (error == ERANGE)
                {
                    continue;
                }

                return error == 0 && result != 0 ? read((nint)entry) : none;
            }
        }

        return none;
    }

    [LibraryImport("libc", EntryPoint = "getpwuid_r")]
    private static partial int GetPasswordByUid(uint uid, nint entry, nint buffer, nuint size, out nint result);

    [LibraryImport("libc", EntryPoint = "getgrgid_r")]
    private static partial int GetGroupByGid(uint gid, nint entry, nint buffer, nuint size, out nint result);

    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetPasswordByName(string name, nint entry, nint buffer, nuint size, out nint result);

    [LibraryImport("libc", EntryPoint = "getgrnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetGroupByName(string name, nint entry, nint buffer, nuint size, out nint result);
}
