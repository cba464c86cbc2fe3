using Microsoft.Data.Sqlite;

namespace Formats.Cli;

/// <summary>
/// CRC-32s in a SQLite file (the default store of <c>serve</c> and <c>gateway</c>): a resume after a restart finds what
/// the process before it computed. One table, identity to CRC-32; a connection per call, pooled by the provider.
/// </summary>
internal sealed class SqliteCrcStore : ICrcStore
{
    private readonly string _connectionString;

    public SqliteCrcStore(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS crc (identity TEXT PRIMARY KEY, crc INTEGER NOT NULL) WITHOUT ROWID;";
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
                command.CommandText = "SELECT crc FROM crc WHERE identity = $identity";
                command.Parameters.AddWithValue("$identity", identity);
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
                command.CommandText = "PRAGMA synchronous=NORMAL; INSERT INTO crc (identity, crc) VALUES ($identity, $crc) ON CONFLICT(identity) DO UPDATE SET crc = excluded.crc WHERE crc <> excluded.crc";
                command.Parameters.AddWithValue("$identity", identity);
                command.Parameters.AddWithValue("$crc", (long)crc);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
