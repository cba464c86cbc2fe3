using Formats.AspNetCore;
using Microsoft.Extensions.Caching.StackExchangeRedis;

namespace Formats.Cli;

/// <summary><c>--crc-store PATH</c> (a SQLite file), <c>--crc-store redis://HOST:PORT</c> or <c>--crc-store memory</c>.</summary>
internal static class CrcStores
{
    public const string Help = """
          --crc-store STORE         where CRC-32s are remembered, so a resume reads no member before it: a SQLite
                                    file PATH (default: formats-crc.db in the user's data folder, kept across
                                    restarts), redis://HOST:PORT (shared by every gateway or serve using it), or
                                    memory
        """;

    /// <summary>
    /// The store named by <paramref name="text"/>, or the default SQLite file when null, behind a
    /// <see cref="ResilientCrcStore"/>: a store that fails or hangs costs an archive at most one short timeout.
    /// </summary>
    public static ResilientCrcStore Open(string? text) => new(OpenStore(text));

    private static ICrcStore OpenStore(string? text)
    {
        if (text is null)
        {
            var folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "formats");
            Directory.CreateDirectory(folder);
            return OpenSqlite(Path.Combine(folder, "formats-crc.db"));
        }

        if (text == "memory")
        {
            return new MemoryCrcStore();
        }

        if (text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Host.Length == 0 || url.AbsolutePath is not ("/" or "") || url.Query.Length > 0)
            {
                throw new UsageException($"--crc-store: '{text}' is not redis://HOST:PORT");
            }

            var port = url.IsDefaultPort || url.Port < 0 ? 6379 : url.Port;
            var cache = new RedisCache(new RedisCacheOptions
            {
                Configuration = $"{url.Host}:{port},abortConnect=false,connectTimeout=2000,syncTimeout=2000,asyncTimeout=2000",
                InstanceName = "",
            });
            return new DistributedCrcStore(cache);
        }

        return OpenSqlite(text);
    }

    private static SqliteCrcStore OpenSqlite(string path)
    {
        try
        {
            return new SqliteCrcStore(Path.GetFullPath(path));
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--crc-store: '{path}' cannot be opened as a SQLite file: {ex.Message}");
        }
    }
}
