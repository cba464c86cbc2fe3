using System.IO.Pipelines;
using Formats.Streaming;

namespace Formats.Zip;

/// <summary>
/// Writes a ZIP archive as a stream, to a <see cref="Stream"/> (seekable or not) or a <see cref="PipeWriter"/>.
/// Each entry is read from its source and written as it arrives; memory stays flat whatever the sizes; the central
/// directory goes out at <see cref="CompleteAsync"/>. Disposing without completing aborts: no end records are written.
/// </summary>
/// <example>
/// <code>
/// await using var zip = new ZipArchiveWriter(response.Body);
/// await zip.AddEntryAsync(ArchiveEntry.File("report.csv"), EntrySource.FromFile("/data/report.csv"));
/// await zip.CompleteAsync();
/// </code>
/// </example>
public sealed class ZipArchiveWriter : IArchiveSink
{
    private readonly ZipArchiveCore _core;

    /// <summary>Writes to <paramref name="output"/>, which stays open.</summary>
    public ZipArchiveWriter(Stream output, ZipWriterOptions? options = null)
    {
        _core = new ZipArchiveCore(ArchiveOutput.Create(output), options ?? ZipWriterOptions.Default);
    }

    /// <summary>Writes to <paramref name="output"/>, which is flushed but not completed.</summary>
    public ZipArchiveWriter(PipeWriter output, ZipWriterOptions? options = null)
    {
        _core = new ZipArchiveCore(ArchiveOutput.Create(output), options ?? ZipWriterOptions.Default);
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
