namespace Formats.Sources;

/// <summary>A source declared sparse by its caller: the inner source delivers the map's data regions, one after another.</summary>
internal sealed class SparseRegionsEntrySource : EntrySource
{
    private readonly EntrySource _regions;
    private readonly SparseMap _map;

    public SparseRegionsEntrySource(EntrySource regions, SparseMap map)
    {
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(map);
        if (regions.Length is { } known && known != map.DataLength)
        {
            throw new ArgumentException($"the source delivers {known} bytes, but the sparse map's regions hold {map.DataLength}", nameof(regions));
        }

        _regions = regions;
        _map = map;
    }

    public override long? Length => _map.DataLength;

    public override DateTimeOffset? LastModified => _regions.LastModified;

    public override SparseMap? SparseMap => _map;

    public override string? Location => _regions.Location;

    public override ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken) => _regions.OpenAsync(offset, cancellationToken);
}
