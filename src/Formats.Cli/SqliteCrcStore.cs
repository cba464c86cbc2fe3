using Microsoft.Data.Sqlite;

namespace Formats.Cli;

/// <summary>
/// CRC-32s in a SQLite file (the default store of <c>serve</c> and <c>gateway</c>): a resume after a restart finds what
/// the process before it computed. One table, key (the SHA-256 of an identity, never the identity) to CRC-32; a
/// connection per call, pooled by the provider. A file locked by another process answers within
/// <see cref="BusyTimeoutSeconds"/> (an error then), never after the provider's default 30 s.
/// </summary>
internal sealed class SqliteCrcStore : ICrcStore
{
    /// <summary>How long a call waits for a lock another process holds (the provider's unit is whole seconds).</summary>
    public const int BusyTimeoutSeconds = 1;

    private readonly string _connectionString;

    public SqliteCrcStore(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();

        // Before keys were hashed, the table 'crc' held identities in clear text (URLs with their tokens and user
        // information): it is dropped, and the file vacuumed so that its pages no longer hold them either.
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'crc'";
        var clearText = command.ExecuteScalar() is long n && n > 0;
        command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS crc_by_key (key TEXT PRIMARY KEY, crc INTEGER NOT NULL) WITHOUT ROWID;"
            + (clearText ? " DROP TABLE crc; VACUUM;" : "");
        command.ExecuteNonQuery();
    }

    public string Path => new SqliteConnectionStringBuilder(_connectionString).DataSource;

    public async ValueTask<uint?> GetAsync(string identity, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "SELECT crc FROM crc_by_key WHERE key = $key";
                command.Parameters.AddWithValue("$key", identity);
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long crc ? (uint)crc : null;
            }
        }
    }

    public async ValueTask SetAsync(string identity, uint crc, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                // A lost write costs a later resume one read, so a commit need not wait for the disk (WAL, synchronous=NORMAL);
                // an unchanged value is not written again.
                command.CommandText = "PRAGMA synchronous=NORMAL; INSERT INTO crc_by_key (key, crc) VALUES ($key, $crc) ON CONFLICT(key) DO UPDATE SET crc = excluded.crc WHERE crc <> excluded.crc";
                command.Parameters.AddWithValue("$key", identity);
                command.Parameters.AddWithValue("$crc", (long)crc);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
