using Formats.Naming;

namespace Formats.Streaming;

/// <summary>
/// Turns what a caller adds into what a format writes (<see cref="PreparedEntry"/>): the name policy for one archive,
/// the rules between an entry's kind, source, length and link target, and the defaults (mode, time). Nothing is opened.
/// </summary>
internal sealed class EntryPreparer(EntryNamePolicy policy)
{
    private readonly EntryNameRegistry _names = new(policy);

    /// <summary>Sizes the name registry for <paramref name="count"/> entries at once.</summary>
    public void ExpectEntries(int count) => _names.ExpectEntries(count);

    /// <summary>Lets go of the names of a writer that is done (disposed), whoever still holds the writer.</summary>
    public void Release() => _names.Release();

    /// <summary>
    /// Checks <paramref name="entry"/> against its <paramref name="source"/> (none for <paramref name="pushed"/> content)
    /// and registers its name; <paramref name="defaultTime"/> dates it when neither it nor its source has a time. Throws <see cref="ArgumentException"/> (and <see cref="InvalidEntryNameException"/>) for bad input.
    /// </summary>
    public PreparedEntry Prepare(ArchiveEntry entry, EntrySource? source, bool pushed, DateTimeOffset defaultTime, ArchiveEntryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        CheckShape(entry, source);
        var encoded = options?.Encoded;
        if (encoded is { } e)
        {
            CheckEncoded(entry, source, pushed, e);
        }

        var legacy = entry.LegacyName.IsEmpty ? null : EntryNameRegistry.CheckLegacyName(entry.Name, entry.LegacyName.Span, entry.Kind);
        var name = _names.Register(entry.Name, entry.Kind);
        string? target = null;
        long? length = encoded?.EncodedLength ?? entry.Length;
        switch (entry.Kind)
        {
            case EntryKind.Directory:
                length = 0;
                break;
            case EntryKind.HardLink:
                target = _names.CheckHardLinkTarget(entry.Name, name, entry.LinkTarget!);
                length = NoContent(entry, name, "a hard link has no content");
                break;
            case EntryKind.SymbolicLink:
                target = EntryNameRegistry.CheckLinkTarget(entry.Name, name, entry.LinkTarget!);
                length = NoContent(entry, name, "a symbolic link has no content of its own (its target is LinkTarget)");
                break;
            case EntryKind.CharacterDevice or EntryKind.BlockDevice:
                length = NoContent(entry, name, "a device has no content (its major and minor numbers name it)");
                break;
            case EntryKind.Fifo:
                length = NoContent(entry, name, "a FIFO has no content");
                break;
            default:
                if (source?.SparseMap is { HasHoles: true } sparse)
                {
                    // The source delivers the data regions; the entry's length, when declared, is the file's.
                    length = entry.Length is { } declared && declared != sparse.RealSize
                        ? throw new ArgumentException($"entry '{name}': Length is {declared}, but its source's sparse map is of a file of {sparse.RealSize} bytes", nameof(entry))
                        : sparse.DataLength;
                    break;
                }

                if (!pushed && source is null && length is > 0)
                {
                    throw new ArgumentException($"entry '{name}': Length is {length} but there is no source", nameof(source));
                }

                // Pushed content is as long as what the producer writes, unless declared.
                length ??= pushed ? null : source is null ? 0 : source.Length;
                break;
        }

        return new PreparedEntry
        {
            Name = name,
            NameUtf8 = System.Text.Encoding.UTF8.GetBytes(name),
            Kind = entry.Kind,
            LegacyName = legacy,
            LegacyNameOnly = legacy is not null && entry.LegacyNameOnly,
            Length = length,
            // The content's CRC-32 checks the bytes that flow; encoded bytes have their plain CRC-32 in the options.
            Crc32 = encoded is null ? entry.Crc32 : null,
            LastModified = entry.LastModified ?? source?.LastModified ?? defaultTime,
            TimeIsDefault = entry.LastModified is null && source?.LastModified is null,
            Mode = entry.Mode ?? DefaultMode(entry.Kind),
            LinkTarget = target,
            UserId = entry.UserId ?? 0,
            HasOwner = entry.UserId is not null || entry.GroupId is not null,
            GroupId = entry.GroupId ?? 0,
            DeviceMajor = entry.DeviceMajor,
            DeviceMinor = entry.DeviceMinor,
            Sparse = entry.Kind == EntryKind.File && source?.SparseMap is { HasHoles: true } map ? map : null,
            UserName = entry.UserName ?? "",
            GroupName = entry.GroupName ?? "",
            Source = source,
            Comment = entry.Comment,
            Options = options,
        };
    }

    /// <summary>
    /// The entry as its opened source describes it: a length the source learned on opening (an HTTP Content-Length, a
    /// seekable stream), and, when <paramref name="takeTime"/>, a time it learned (an HTTP Last-Modified) for an entry
    /// that has only the default.
    /// </summary>
    public static PreparedEntry LearnFromOpenedSource(PreparedEntry prepared, Stream stream, bool takeTime)
    {
        var metadata = stream as IEntrySourceMetadata;
        var length = prepared.Length ?? metadata?.Length ?? (stream.CanSeek ? stream.Length - stream.Position : null);
        var time = takeTime && prepared.TimeIsDefault && metadata?.LastModified is { } learned ? learned : (DateTimeOffset?)null;
        if (length == prepared.Length && time is null)
        {
            return prepared;
        }

        return prepared with { Length = length, LastModified = time ?? prepared.LastModified, TimeIsDefault = time is null && prepared.TimeIsDefault };
    }

    private static void CheckShape(ArchiveEntry entry, EntrySource? source)
    {
        if (entry.Kind != EntryKind.File && source is not null)
        {
            throw new ArgumentException($"entry '{entry.Name}': a {entry.Kind} has no content source", nameof(source));
        }

        var isLink = entry.Kind is EntryKind.SymbolicLink or EntryKind.HardLink;
        if (isLink && entry.LinkTarget is null)
        {
            throw new ArgumentException($"entry '{entry.Name}': a {entry.Kind} needs a LinkTarget", nameof(entry));
        }

        if (!isLink && entry.LinkTarget is not null)
        {
            throw new ArgumentException($"entry '{entry.Name}': a {entry.Kind} has no LinkTarget", nameof(entry));
        }

        var isDevice = entry.Kind is EntryKind.CharacterDevice or EntryKind.BlockDevice;
        if (isDevice && (entry.DeviceMajor is null || entry.DeviceMinor is null))
        {
            throw new ArgumentException($"entry '{entry.Name}': a {entry.Kind} needs DeviceMajor and DeviceMinor", nameof(entry));
        }

        if (!isDevice && (entry.DeviceMajor is not null || entry.DeviceMinor is not null))
        {
            throw new ArgumentException($"entry '{entry.Name}': only devices have DeviceMajor and DeviceMinor, not a {entry.Kind}", nameof(entry));
        }

        if (entry.Kind == EntryKind.Directory && entry.Length is > 0)
        {
            throw new ArgumentException($"entry '{entry.Name}': a directory has no content, but Length is {entry.Length}", nameof(entry));
        }
    }

    /// <summary>Encoded content comes from a source, for a file, and what the entry declares of its plain content agrees.</summary>
    private static void CheckEncoded(ArchiveEntry entry, EntrySource? source, bool pushed, EncodedContent encoded)
    {
        if (entry.Kind != EntryKind.File || source is null || pushed)
        {
            throw new ArgumentException($"entry '{entry.Name}': content that is encoded already is read from a source, for a file entry", nameof(source));
        }

        if (entry.Length is { } length && length != encoded.Length)
        {
            throw new ArgumentException($"entry '{entry.Name}': Length is {length}, but the encoded content stands for {encoded.Length} bytes", nameof(entry));
        }

        if (entry.Crc32 is { } crc && crc != encoded.Crc32)
        {
            throw new ArgumentException($"entry '{entry.Name}': Crc32 is 0x{crc:X8}, but the encoded content's is 0x{encoded.Crc32:X8}", nameof(entry));
        }
    }

    private static long NoContent(ArchiveEntry entry, string name, string why) =>
        entry.Length is > 0 ? throw new ArgumentException($"entry '{name}': {why}, but Length is {entry.Length}", nameof(entry)) : 0;

    private static UnixFileMode DefaultMode(EntryKind kind) => kind switch
    {
        EntryKind.Directory => (UnixFileMode)0b111_101_101,
        EntryKind.SymbolicLink => (UnixFileMode)0b111_111_111,
        _ => (UnixFileMode)0b110_100_100,
    };
}
