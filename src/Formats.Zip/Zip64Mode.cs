namespace Formats.Zip;

/// <summary>When the writer uses zip64 records.</summary>
public enum Zip64Mode
{
    /// <summary>Exactly when a value reaches its 32-bit (or 16-bit) limit, or a length is unknown when the header is written.</summary>
    Auto,

    /// <summary>Always: zip64 extra fields in every header and the zip64 end records, for readers that need consistency over compatibility.</summary>
    Always,

    /// <summary>Never: a value that reaches its limit is a clear error (the archive is aborted), never a corrupt file.</summary>
    Never,
}
