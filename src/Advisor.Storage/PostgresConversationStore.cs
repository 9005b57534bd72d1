using System.Data.Common;
using Advisor.Core.Conversations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Advisor.Storage;

/// <summary>
/// The store in PostgreSQL (when <c>Advisor:Data:PostgresConnectionString</c> is set), in the connection's current
/// schema. Several instances may share the database: migrations take an advisory lock.
/// </summary>
public sealed class PostgresConversationStore : SqlConversationStore
{
    /// <summary>The advisory lock key migrations hold ("ADVS").</summary>
    private const long MigrationLockKey = 0x4144_5653;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _description;

    /// <summary>A store on the database the connection string names.</summary>
    public PostgresConversationStore(string connectionString, IOptions<ConversationOptions> options, TimeProvider time, ILogger<PostgresConversationStore>? logger = null)
        : this(connectionString, PostgresMigrations.All, options, time, logger)
    {
    }

    internal PostgresConversationStore(string connectionString, IReadOnlyList<Migration> migrations, IOptions<ConversationOptions> options, TimeProvider time, ILogger? logger = null)
        : base(migrations, options.Value, time, logger ?? NullLogger.Instance)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        _description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}" + (builder.SearchPath is { Length: > 0 } schema ? $" (schema {schema})" : "");
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <inheritdoc/>
    public override string Description => _description;

    private protected override string VersionTableDdl => """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     integer PRIMARY KEY,
            description text NOT NULL,
            applied_at  timestamptz NOT NULL
        )
        """;

    private protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    private protected override object Time(DateTimeOffset time) => time.ToUniversalTime();

    private protected override string JsonTextElements(string jsonText, string alias) => $"jsonb_array_elements_text(CAST({jsonText} AS jsonb)) AS {alias}(value)";

    private protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    private protected override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("key", MigrationLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private protected override ValueTask DisposeCoreAsync() => _dataSource.DisposeAsync();
}
