using System.IO.Pipelines;
using Formats.Streaming;

namespace Formats.Tar;

/// <summary>
/// Writes a TAR archive as a stream (plain, gzip or zstd), to a <see cref="Stream"/> or a <see cref="PipeWriter"/>:
/// ustar headers, with a pax extended header before an entry only for what ustar cannot hold. A tar header carries
/// the member's size, so every file entry needs a known length (declared, or from a source that knows it).
/// Disposing without <see cref="CompleteAsync"/> aborts: no end blocks, and no compression trailer.
/// </summary>
/// <remarks><see cref="BytesWritten"/> counts tar bytes before compression.</remarks>
public sealed class TarArchiveWriter : IArchiveSink
{
    private readonly TarArchiveCore _core;

    /// <summary>Writes to <paramref name="output"/>, which stays open.</summary>
    public TarArchiveWriter(Stream output, TarWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _core = new TarArchiveCore(encode => ArchiveOutput.Create(output, encode), options ?? TarWriterOptions.Default);
    }

    /// <summary>Writes to <paramref name="output"/>, which is flushed but not completed.</summary>
    public TarArchiveWriter(PipeWriter output, TarWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _core = new TarArchiveCore(encode => ArchiveOutput.Create(output, encode), options ?? TarWriterOptions.Default);
    }

    /// <inheritdoc/>
    public long BytesWritten => _core.BytesWritten;

    /// <inheritdoc/>
    public ValueTask AddEntryAsync(ArchiveEntry entry, EntrySource? source = null, CancellationToken cancellationToken = default) =>
        _core.AddEntryAsync(entry, source, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<Stream> OpenEntryAsync(ArchiveEntry entry, CancellationToken cancellationToken = default) =>
        _core.OpenEntryAsync(entry, cancellationToken);

    /// <inheritdoc/>
    public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => _core.CompleteAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _core.DisposeAsync();
}
