namespace Formats.Zip;

/// <summary>Options of a <see cref="ZipArchiveWriter"/>.</summary>
public sealed record ZipWriterOptions : ArchiveWriterOptions
{
    /// <summary>Default options: deflate at level 6, zip64 when needed, duplicate names refused.</summary>
    public static ZipWriterOptions Default { get; } = new();

    /// <summary>How entry content is encoded; directories, symbolic links and empty files are always stored.</summary>
    public ZipCompressionMethod Method { get; init; } = ZipCompressionMethod.Deflate;

    /// <summary>
    /// How many threads may deflate at once: a member is cut into independent 1 MiB chunks joined into one deflate
    /// stream, and small members are compressed ahead while earlier ones are written. The default is the processor
    /// count; 1 keeps all work on the caller's flow. The output bytes are the same for every value.
    /// </summary>
    public int MaxDegreeOfParallelism
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), value, "at least 1 (1 is single-threaded)");
    }

    = Environment.ProcessorCount;

    /// <summary>When to use zip64 records.</summary>
    public Zip64Mode Zip64 { get; init; } = Zip64Mode.Auto;

    /// <summary>
    /// Where the CRC-32s computed from sources with an identity (<see cref="EntrySource.GetIdentityAsync"/>) are
    /// remembered, and looked up by a byte range of a stored zip whose entries declare none: a range then reads no member
    /// before it whose CRC-32 is remembered. Null (the default): nothing is remembered, and a range reads every such
    /// member before its start (without sending it). The bytes are the same either way.
    /// </summary>
    public ICrcStore? CrcStore { get; init; }

    /// <summary>
    /// Encrypts every file member's content with a password (<see cref="ZipEncryption.Aes256"/>, or the weak
    /// <see cref="ZipEncryption.ZipCrypto"/>); null (the default): nothing is encrypted. Each member gets fresh random
    /// bytes (a salt), so the same input never gives the same archive: plans (<see cref="ZipArchivePlan"/>: lengths,
    /// byte ranges, ETags) refuse encrypted archives.
    /// </summary>
    public ZipEncryption? Encryption { get; init; }

    /// <summary>
    /// The archive comment, or null (the default) for none: written in UTF-8 after the end of central directory record,
    /// where <c>unzip -z</c> prints it. At most 65,535 bytes in UTF-8, and never the end record's signature
    /// <c>PK\x05\x06</c>; the writer refuses either with an <see cref="ArchiveException"/> when it is created.
    /// </summary>
    public string? Comment { get; init; }

    /// <summary>The options as they enter a plan's ETag; refused when encrypted, since then no two archives are the same.</summary>
    internal override string Describe() => Encryption is null
        ? $"zip method={Method} zip64={Zip64} {base.Describe()}" + (Comment is null ? "" : $" comment {Comment.Length}:{Comment}")
        : throw ZipArchiveWriter.NotPlannable();
}
