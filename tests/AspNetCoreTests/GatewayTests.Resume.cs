namespace Formats.AspNetCoreTests;

public sealed partial class GatewayTests
{
    /// <summary>The sample's archive Last-Modified: the newest of its files folder and its files, to the second.</summary>
    private DateTimeOffset NewestFileTime()
    {
        var newest = Directory.EnumerateFiles(fixture.Django.Files).Select(File.GetLastWriteTimeUtc).Append(Directory.GetLastWriteTimeUtc(fixture.Django.Files)).Max();
        return new DateTimeOffset(newest.Ticks - (newest.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }
}
