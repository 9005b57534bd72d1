using System.Data.Common;
using Advisor.Core.Conversations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Advisor.Storage;

/// <summary>
/// The store in a SQLite file (the default: <c>{Advisor:Data:Folder}/advisor.db</c>), in WAL mode. The folder is created
/// readable by its owner only, and so is a new database file.
/// </summary>
public sealed class SqliteConversationStore : SqlConversationStore
{
    private readonly string _connectionString;
    private readonly string _path;

    /// <summary>A store on the SQLite file at <paramref name="path"/> (created with its folder when missing).</summary>
    public SqliteConversationStore(string path, IOptions<ConversationOptions> options, TimeProvider time, ILogger<SqliteConversationStore>? logger = null)
        : this(path, SqliteMigrations.All, options, time, logger)
    {
    }

    internal SqliteConversationStore(string path, IReadOnlyList<Migration> migrations, IOptions<ConversationOptions> options, TimeProvider time, ILogger? logger = null)
        : base(migrations, options.Value, time, logger ?? NullLogger.Instance)
    {
        _path = Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30, // also how long a writer waits for another (busy timeout)
        }.ToString();
    }

    /// <inheritdoc/>
    public override string Description => $"SQLite {_path}";

    private protected override string VersionTableDdl => """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     INTEGER PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at  INTEGER NOT NULL
        )
        """;

    private protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_path))
        {
            DataFolder.Ensure(Path.GetDirectoryName(_path)!);
            DataFolder.EnsurePrivateFile(_path);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();

            // busy_timeout: a writer that finds another one waits inside SQLite in steps of milliseconds. Without it the
            // provider sleeps 150 ms per retry, which put a 150 ms p99 on every turn once each one is kept (load driver).
            pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private protected override object Time(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private protected override string JsonTextElements(string jsonText, string alias) => $"json_each({jsonText}) AS {alias}";

    private protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default) already holds the write lock for the whole transaction.
    private protected override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    private protected override ValueTask DisposeCoreAsync()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}
