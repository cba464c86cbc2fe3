namespace Formats.Streaming;

/// <summary>What a writer's run produces: set once, on its <see cref="ArchiveOutput"/>, for the whole archive.</summary>
internal enum WriteMode
{
    /// <summary>The whole archive: every byte is produced.</summary>
    Write,

    /// <summary>Only the archive's length: the layout is run in full, no source is opened, nothing is produced.</summary>
    Measure,

    /// <summary>One byte range: only the sources that overlap it are opened, at the offset the range needs.</summary>
    Range,
}
