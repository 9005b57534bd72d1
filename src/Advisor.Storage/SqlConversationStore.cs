using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Advisor.Core.Conversations;
using Microsoft.Extensions.Logging;

namespace Advisor.Storage;

/// <summary>
/// The <see cref="IConversationStore"/> on a SQL database (<see cref="SqliteConversationStore"/>,
/// <see cref="PostgresConversationStore"/>): the same statements on both, the schema brought up to date by numbered
/// migrations on first use (and at start-up, by <see cref="MigrateAsync"/>).
/// </summary>
/// <remarks>
/// Tables: <c>schema_version</c> (applied migrations), <c>conversations</c> (key, last active: what the bot takes part
/// in), <c>turns</c> (the recent turns of each conversation, at most MaxTurns each), <c>question_log</c> (one entry
/// per turn, with feedback) and <c>send_claims</c> (one-time sends: a week's digest, a reload's notices). No user id or name is ever stored: only the salted hash given in <see cref="TurnRecord.UserHash"/>.
/// </remarks>
public abstract class SqlConversationStore : IConversationStore, IAsyncDisposable
{
    private readonly IReadOnlyList<Migration> _migrations;
    private readonly ConversationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _migrationGate = new();
    private Task? _migrated;

    private protected SqlConversationStore(IReadOnlyList<Migration> migrations, ConversationOptions options, TimeProvider time, ILogger logger)
    {
        _migrations = [.. migrations.OrderBy(m => m.Version)];
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>What and where the database is, for logs and errors (never a password).</summary>
    public abstract string Description { get; }

    /// <summary>The highest migration this build knows.</summary>
    public int LatestVersion => _migrations.Count == 0 ? 0 : _migrations[^1].Version;

    /// <summary>
    /// Brings the schema up to date: each migration not yet applied runs in its own transaction, in order, and is
    /// recorded in <c>schema_version</c>. Runs once per store (again only after a failure). A failing migration
    /// throws a <see cref="StorageException"/> naming it; what it changed is rolled back.
    /// </summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        Task migrated;
        lock (_migrationGate)
        {
            if (_migrated is null || _migrated.IsFaulted || _migrated.IsCanceled)
            {
                _migrated = RunMigrationsAsync();
            }

            migrated = _migrated;
        }

        return migrated.WaitAsync(cancellationToken);
    }

    /// <summary>The schema version of the database (0 when none is applied).</summary>
    public async Task<int> SchemaVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await PrepareVersionTableAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredTurn>> RecentTurnsAsync(string conversationKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationKey);
        if (_options.MaxTurns == 0)
        {
            return [];
        }

        await using var connection = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, """
            SELECT t.turn_id, t.at, t.question, t.kind, t.abstained, t.uncovered, t.roles, t.aspect, t.section_ids,
                   t.answer_text, t.knowledge_version, t.composer
            FROM turns t JOIN conversations c ON c.conversation_key = t.conversation_key
            WHERE t.conversation_key = @key AND c.last_active_at >= @active
            ORDER BY t.seq DESC
            LIMIT @max
            """, ("key", conversationKey), ("active", Time(IdleCutoff())), ("max", _options.MaxTurns));
        var turns = new List<StoredTurn>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                turns.Add(new StoredTurn(
                    ParseId(reader.GetString(0)),
                    ReadTime(reader, 1),
                    reader.GetString(2),
                    new TurnAnswer
                    {
                        Kind = AnswerKindNames.Parse(reader.GetString(3)),
                        Abstained = reader.GetBoolean(4),
                        Uncovered = NullableString(reader, 5),
                        Roles = ReadList(reader.GetString(6)),
                        Aspect = NullableString(reader, 7),
                        SectionIds = ReadList(reader.GetString(8)),
                        Text = NullableString(reader, 9),
                        KnowledgeVersion = reader.GetString(10),
                        Composer = reader.GetString(11),
                    }));
            }
        }

        turns.Reverse();
        return turns;
    }

    /// <inheritdoc/>
    public async Task<bool> KnowsAsync(string conversationKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationKey);
        await using var connection = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "SELECT COUNT(*) FROM conversations WHERE conversation_key = @key AND last_active_at >= @active",
            ("key", conversationKey), ("active", Time(IdleCutoff())));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
    }

    /// <inheritdoc/>
    public async Task TouchAsync(string conversationKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationKey);
        await using var connection = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await KeepActiveAsync(connection, transaction, conversationKey, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<TurnId> AppendTurnAsync(TurnRecord turn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(turn.ConversationKey);
        var at = (turn.At ?? _time.GetUtcNow()).ToUniversalTime();
        var id = turn.Id ?? TurnId.New(at);
        var answer = turn.Answer;
        var sectionIds = JsonSerializer.Serialize(answer.SectionIds, StorageJson.Default.IReadOnlyListString);
        await using var connection = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await KeepActiveAsync(connection, transaction, turn.ConversationKey, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO turns (turn_id, conversation_key, at, user_hash, question, kind, abstained, uncovered, roles, aspect,
                               section_ids, answer_text, knowledge_version, composer)
            VALUES (@id, @key, @at, @user, @question, @kind, @abstained, @uncovered, @roles, @aspect,
                    @sections, @text, @version, @composer)
            """, cancellationToken,
            ("id", id.ToString()), ("key", turn.ConversationKey), ("at", Time(at)), ("user", turn.UserHash), ("question", turn.Question),
            ("kind", AnswerKindNames.Name(answer.Kind)), ("abstained", answer.Abstained), ("uncovered", answer.Uncovered),
            ("roles", JsonSerializer.Serialize(answer.Roles, StorageJson.Default.IReadOnlyListString)), ("aspect", answer.Aspect),
            ("sections", sectionIds), ("text", answer.Text), ("version", answer.KnowledgeVersion), ("composer", answer.Composer)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO question_log (turn_id, at, platform, user_hash, question, outcome, kind, reason, section_ids,
                                      knowledge_version, latency_ms)
            VALUES (@id, @at, @platform, @user, @question, @outcome, @kind, @reason, @sections, @version, @latency)
            """, cancellationToken,
            ("id", id.ToString()), ("at", Time(at)), ("platform", turn.Platform), ("user", turn.UserHash), ("question", turn.Question),
            ("outcome", answer.Abstained ? "abstained" : "answered"), ("kind", AnswerKindNames.Name(answer.Kind)),
            ("reason", answer.AbstentionReason), ("sections", sectionIds), ("version", answer.KnowledgeVersion),
            ("latency", turn.Latency.TotalMilliseconds)).ConfigureAwait(false);

        // Only the last MaxTurns turns of a conversation are kept (the question log keeps every turn).
        await ExecuteAsync(connection, transaction, """
            DELETE FROM turns WHERE conversation_key = @key AND seq <= (
                SELECT seq FROM turns WHERE conversation_key = @key ORDER BY seq DESC LIMIT 1 OFFSET @max)
            """, cancellationToken, ("key", turn.ConversationKey), ("max", _options.MaxTurns)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <inheritdoc/>
    public async Task<bool> RecordFeedbackAsync(TurnId turn, TurnFeedback feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        var kept = feedback.Normalized();
        await using var connection = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var updated = await ExecuteAsync(connection, null,
            "UPDATE question_log SET feedback = @rating, feedback_text = @text, feedback_at = @now WHERE turn_id = @id", cancellationToken,
            ("rating", kept.Rating == FeedbackRating.Up ? "up" : "down"), ("text", kept.Text), ("now", Time(_time.GetUtcNow())),
            ("id", turn.ToString())).ConfigureAwait(false);
        return updated > 0;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<QuestionLogEntry>> ReadLogAsync(QuestionLogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var conditions = new List<string>();
        var parameters = new List<(string, object?)> { ("limit", query.Limit) };
        if (query.UserHash is not null)
        {
            conditions.Add("user_hash = @user");
            parameters.Add(("user", query.UserHash));
        }

        if (query.Since is { } since)
        {
            conditions.Add("at >= @since");
            parameters.Add(("since", Time(since)));
        }

        await using var connection = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"""
            SELECT turn_id, at, platform, user_hash, question, outcome, kind, reason, section_ids, knowledge_version,
                   latency_ms, feedback, feedback_text, feedback_at
            FROM question_log
            {(conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions))}
            ORDER BY at DESC, turn_id DESC
            LIMIT @limit
            """, [.. parameters]);
        var entries = new List<QuestionLogEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var rating = NullableString(reader, 11);
            entries.Add(new QuestionLogEntry(
                ParseId(reader.GetString(0)),
                ReadTime(reader, 1),
                reader.GetString(2),
                NullableString(reader, 3),
                reader.GetString(4),
                AnswerKindNames.Parse(reader.GetString(6)),
                reader.GetString(5) == "abstained",
                NullableString(reader, 7),
                ReadList(reader.GetString(8)),
                reader.GetString(9),
                TimeSpan.FromMilliseconds(reader.GetDouble(10)),
                rating is null ? null : new TurnFeedback(rating == "up" ? FeedbackRating.Up : FeedbackRating.Down, NullableString(reader, 12)),
                reader.IsDBNull(13) ? null : ReadTime(reader, 13)));
        }

        return entries;
    }

    /// <inheritdoc/>
    public async Task<ForgetResult> ForgetUserAsync(string userHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userHash);
        await using var connection = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var conversations = new List<string>();
        await using (var command = Command(connection, transaction, "SELECT DISTINCT conversation_key FROM turns WHERE user_hash = @user", ("user", userHash)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                conversations.Add(reader.GetString(0));
            }
        }

        var log = await ExecuteAsync(connection, transaction, "DELETE FROM question_log WHERE user_hash = @user", cancellationToken, ("user", userHash)).ConfigureAwait(false);
        var turns = await ExecuteAsync(connection, transaction, "DELETE FROM turns WHERE user_hash = @user", cancellationToken, ("user", userHash)).ConfigureAwait(false);
        foreach (var key in conversations)
        {
            // A conversation left with no turn is forgotten too.
            await ExecuteAsync(connection, transaction,
                "DELETE FROM conversations WHERE conversation_key = @key AND NOT EXISTS (SELECT 1 FROM turns WHERE conversation_key = @key)",
                cancellationToken, ("key", key)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ForgetResult(log, turns);
    }

    /// <inheritdoc/>
    public async Task<PurgeResult> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        var idle = IdleCutoff();
        var gone = Time(olderThan > idle ? olderThan : idle);
        var cutoff = Time(olderThan);
        await using var connection = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var log = await ExecuteAsync(connection, transaction, "DELETE FROM question_log WHERE at < @cutoff", cancellationToken, ("cutoff", cutoff)).ConfigureAwait(false);
        var turns = await ExecuteAsync(connection, transaction, """
            DELETE FROM turns WHERE at < @cutoff
                OR conversation_key IN (SELECT conversation_key FROM conversations WHERE last_active_at < @gone)
            """, cancellationToken, ("cutoff", cutoff), ("gone", gone)).ConfigureAwait(false);
        var conversations = await ExecuteAsync(connection, transaction, "DELETE FROM conversations WHERE last_active_at < @gone", cancellationToken, ("gone", gone)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "DELETE FROM send_claims WHERE created_at < @cutoff", cancellationToken, ("cutoff", cutoff)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new PurgeResult(log, turns, conversations);
    }

    /// <inheritdoc/>
    public async Task<CitingConversations> FindLastCitingAsync(IReadOnlyCollection<string> sectionIds, string currentVersion, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sectionIds);
        ArgumentNullException.ThrowIfNull(currentVersion);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (sectionIds.Count == 0)
        {
            return CitingConversations.None;
        }

        var changed = JsonSerializer.Serialize<IReadOnlyList<string>>([.. sectionIds.Distinct(StringComparer.Ordinal)], StorageJson.Default.IReadOnlyListString);
        await using var connection = await ReadyAsync(cancellationToken).ConfigureAwait(false);

        // The last kept turn of each conversation active within the idle window; its cited ids (a JSON array) against
        // the changed ones (another), read by the database's own JSON functions.
        await using var command = Command(connection, null, $"""
            SELECT c.conversation_key, t.turn_id, c.last_active_at, t.section_ids, COUNT(*) OVER () AS total
            FROM conversations c
            JOIN turns t ON t.conversation_key = c.conversation_key
            WHERE c.last_active_at >= @active
              AND t.seq = (SELECT MAX(l.seq) FROM turns l WHERE l.conversation_key = c.conversation_key)
              AND t.knowledge_version <> @version
              AND EXISTS (SELECT 1 FROM {JsonTextElements("t.section_ids", "cited")}
                          WHERE cited.value IN (SELECT w.value FROM {JsonTextElements("@changed", "w")}))
            ORDER BY c.last_active_at DESC, c.conversation_key
            LIMIT @limit
            """, ("active", Time(IdleCutoff())), ("version", currentVersion), ("changed", changed), ("limit", limit));
        var found = new List<CitingConversation>();
        var total = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(new CitingConversation(reader.GetString(0), ParseId(reader.GetString(1)), ReadTime(reader, 2), ReadList(reader.GetString(3))));
            total = Convert.ToInt32(reader.GetValue(4), CultureInfo.InvariantCulture);
        }

        return new CitingConversations(found, total);
    }

    /// <inheritdoc/>
    public async Task<SendClaim> ClaimSendAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var now = _time.GetUtcNow();
        await using var connection = await ReadyAsync(cancellationToken).ConfigureAwait(false);

        // One statement: a new row, or taking over a row that is not done and whose claim ran out (or is ours already).
        var taken = await ExecuteAsync(connection, null, """
            INSERT INTO send_claims (name, owner, claimed_until, created_at) VALUES (@name, @owner, @until, @now)
            ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, claimed_until = excluded.claimed_until
            WHERE send_claims.completed_at IS NULL AND (send_claims.claimed_until <= @now OR send_claims.owner = excluded.owner)
            """, cancellationToken, ("name", name), ("owner", owner), ("until", Time(now + ttl)), ("now", Time(now))).ConfigureAwait(false);
        if (taken > 0)
        {
            return SendClaim.Claimed;
        }

        return await WasSentAsync(connection, name, cancellationToken).ConfigureAwait(false) ? SendClaim.AlreadySent : SendClaim.Held;
    }

    /// <inheritdoc/>
    public async Task CompleteSendAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var now = Time(_time.GetUtcNow());
        await using var connection = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, """
            INSERT INTO send_claims (name, owner, claimed_until, created_at, completed_at) VALUES (@name, '', @now, @now, @now)
            ON CONFLICT (name) DO UPDATE SET completed_at = COALESCE(send_claims.completed_at, excluded.completed_at)
            """, cancellationToken, ("name", name), ("now", now)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task ReleaseSendAsync(string name, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(owner);
        await using var connection = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "DELETE FROM send_claims WHERE name = @name AND owner = @owner AND completed_at IS NULL", cancellationToken,
            ("name", name), ("owner", owner)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> WasSentAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await using var connection = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await WasSentAsync(connection, name, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> WasSentAsync(DbConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, "SELECT COUNT(*) FROM send_claims WHERE name = @name AND completed_at IS NOT NULL", ("name", name));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await DisposeCoreAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the connections the store holds.</summary>
    private protected abstract ValueTask DisposeCoreAsync();

    /// <summary>An open connection to the database.</summary>
    private protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>A time as the database stores it.</summary>
    private protected abstract object Time(DateTimeOffset time);

    /// <summary>A stored time.</summary>
    private protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>Keeps other instances from migrating at the same time (held until the transaction ends).</summary>
    private protected abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// A FROM item that yields the strings of a JSON array (a column, or a parameter holding JSON text) as rows of one
    /// text column <c>value</c>, under <paramref name="alias"/>.
    /// </summary>
    private protected abstract string JsonTextElements(string jsonText, string alias);

    /// <summary>The DDL of the <c>schema_version</c> table, with IF NOT EXISTS.</summary>
    private protected abstract string VersionTableDdl { get; }

    private async Task<DbConnection> ReadyAsync(CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken).ConfigureAwait(false);
        return await OpenAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunMigrationsAsync()
    {
        var ct = CancellationToken.None; // shared by every caller: one caller giving up does not cancel it for the others
        DbConnection connection;
        try
        {
            connection = await OpenAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DbException or IOException or UnauthorizedAccessException or InvalidOperationException or TimeoutException)
        {
            throw new StorageException($"cannot open the database ({Description}): {ex.Message}", ex);
        }

        await using (connection.ConfigureAwait(false))
        {
            int before;
            try
            {
                before = await PrepareVersionTableAsync(connection, ct).ConfigureAwait(false);
            }
            catch (DbException ex)
            {
                throw new StorageException($"cannot read the schema version of the database ({Description}): {ex.Message}", ex);
            }

            if (before > LatestVersion)
            {
                throw new StorageException($"the database ({Description}) is at schema version {before}, newer than this build knows ({LatestVersion}); run a newer advisor or point it at another database");
            }

            foreach (var migration in _migrations.Where(m => m.Version > before))
            {
                await ApplyAsync(connection, migration, ct).ConfigureAwait(false);
            }

            var after = await CurrentVersionAsync(connection, null, ct).ConfigureAwait(false);
            if (after != before)
            {
                Log.Migrated(_logger, Description, before, after);
            }
            else
            {
                Log.UpToDate(_logger, Description, after);
            }
        }
    }

    private async Task ApplyAsync(DbConnection connection, Migration migration, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        try
        {
            await LockForMigrationAsync(connection, transaction, ct).ConfigureAwait(false);
            if (await CurrentVersionAsync(connection, transaction, ct).ConfigureAwait(false) >= migration.Version)
            {
                return; // another instance applied it meanwhile
            }

            foreach (var statement in migration.Statements)
            {
                await ExecuteAsync(connection, transaction, statement, ct).ConfigureAwait(false);
            }

            await ExecuteAsync(connection, transaction, "INSERT INTO schema_version (version, description, applied_at) VALUES (@version, @description, @at)", ct,
                ("version", migration.Version), ("description", migration.Description), ("at", Time(_time.GetUtcNow()))).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            await transaction.RollbackAsync(ct).ConfigureAwait(false);
            throw new StorageException($"database migration {migration.Version} ({migration.Description}) failed on {Description}: {ex.Message}. Nothing of it was applied; the database stays at the version before it.", ex);
        }
    }

    /// <summary>
    /// Creates <c>schema_version</c> when missing and reads the version, under the migration lock: two instances
    /// starting at once on an empty PostgreSQL database would otherwise both try to create the table.
    /// </summary>
    private async Task<int> PrepareVersionTableAsync(DbConnection connection, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await LockForMigrationAsync(connection, transaction, ct).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, VersionTableDdl, ct).ConfigureAwait(false);
        var version = await CurrentVersionAsync(connection, transaction, ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return version;
    }

    private static async Task<int> CurrentVersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>Marks a conversation active now; one gone idle starts afresh (its old turns are dropped).</summary>
    private async Task KeepActiveAsync(DbConnection connection, DbTransaction transaction, string key, CancellationToken ct)
    {
        await ExecuteAsync(connection, transaction, """
            DELETE FROM turns WHERE conversation_key = @key
                AND EXISTS (SELECT 1 FROM conversations WHERE conversation_key = @key AND last_active_at < @active)
            """, ct, ("key", key), ("active", Time(IdleCutoff()))).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO conversations (conversation_key, last_active_at) VALUES (@key, @now)
            ON CONFLICT (conversation_key) DO UPDATE SET last_active_at = excluded.last_active_at
            """, ct, ("key", key), ("now", Time(_time.GetUtcNow()))).ConfigureAwait(false);
    }

    private DateTimeOffset IdleCutoff() => _time.GetUtcNow() - TimeSpan.FromMinutes(_options.IdleMinutes);

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // the SQL is constant text of this class; values go in parameters
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            if (value is null)
            {
                parameter.DbType = DbType.String; // every nullable column is text
            }

            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static IReadOnlyList<string> ReadList(string json) => JsonSerializer.Deserialize(json, StorageJson.Default.IReadOnlyListString) ?? [];

    private static TurnId ParseId(string text) => TurnId.TryParse(text, out var id) ? id : throw new StorageException($"a stored turn id is malformed: '{text}'");
}
