namespace Formats.Cli;

/// <summary>The CRC-32 first pass of formats that declare CRC-32s (zip stored and auto), and when it runs.</summary>
internal static partial class ArchiveCommand
{
    /// <summary>
    /// True when the archive is written as to a pipe, its files read first for their CRC-32s and nothing rewritten:
    /// to a pipe; to a file when a source can be read only once (its stored member has a descriptor, as on a pipe)
    /// or when the writer cannot put a CRC-32 into a header after the data (<see cref="CliFormat.CrcAfterData"/>).
    /// </summary>
    public static bool WritesAsToPipe(CliFormat format, Stream output, List<PlannedEntry> entries) =>
        format.DeclaresCrcs && (!output.CanSeek || !format.CrcAfterData || entries.Any(e => e.Source is { CanReopen: false }));

    /// <summary>
    /// The first pass of a format that declares CRC-32s: each file read once for its CRC-32 (a source that can be read
    /// only once, such as standard input, is never read here, whether its length is known or not: it keeps an unknown
    /// CRC, and a stored member of it gets a data descriptor). With <paramref name="placeholders"/>, the CRCs are declared without reading
    /// anything: enough to measure the layout, whose length does not depend on their values.
    /// </summary>
    public static async Task<List<ArchiveItem>> WithCrcsAsync(List<PlannedEntry> entries, CancellationToken cancellationToken, bool placeholders = false, ICrcStore? crcStore = null)
    {
        var items = new List<ArchiveItem>(entries.Count);
        var buffer = new byte[1 << 20];
        foreach (var (entry, source) in entries)
        {
            if (source is null || entry.Crc32 is not null || entry.Length is null || !source.CanReopen)
            {
                items.Add(new ArchiveItem(entry, source));
                continue;
            }

            if (placeholders)
            {
                items.Add(new ArchiveItem(SourceCollector.WithCrc(entry, 0), source));
                continue;
            }

            // A CRC-32 remembered for this content (a file's path, length and mtime) is not computed again.
            var identity = crcStore is null ? null : await source.GetIdentityAsync(cancellationToken) is { } known ? CrcStoreKeys.For(known) : null;
            if (identity is not null && await crcStore!.GetAsync(identity, cancellationToken) is { } remembered)
            {
                items.Add(new ArchiveItem(SourceCollector.WithCrc(entry, remembered), source));
                continue;
            }

            var crc = new System.IO.Hashing.Crc32();
            try
            {
                await using var stream = await source.OpenAsync(0, cancellationToken);
                int n;
                while ((n = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    crc.Append(buffer.AsSpan(0, n));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // As the writer reports a failing source (an HTTP error is no IOException): named, in one line.
                throw new ArchiveException(entry.Name, ArchiveErrors.ReasonOf(ex) ?? ArchiveErrorReason.SourceFailed, $"source could not be read for its CRC-32: {ex.Message}", ex);
            }

            var value = crc.GetCurrentHashAsUInt32();
            if (identity is not null)
            {
                await crcStore!.SetAsync(identity, value, cancellationToken);
            }

            items.Add(new ArchiveItem(SourceCollector.WithCrc(entry, value), source));
        }

        return items;
    }
}
