using System.Data.Common;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;
using Advisor.Testing;
using Microsoft.Extensions.Options;

namespace Advisor.Storage.Tests;

/// <summary>What the SQL stores do beyond the contract: survive a restart, migrate, and keep no raw user id.</summary>
public abstract class SqlStoreContract : ConversationStoreContract
{
    private static readonly Lazy<KnowledgeSnapshot> Knowledge = new(() => KnowledgeSnapshot.Load(Path.Combine(RepoPaths.RepoRoot(), "knowledge")));

    /// <summary>A SQL store on this test's database with the given migrations.</summary>
    private protected abstract SqlConversationStore CreateSqlStore(IReadOnlyList<Migration> migrations, ConversationOptions options);

    /// <summary>The migrations the product ships for this database.</summary>
    private protected abstract IReadOnlyList<Migration> ShippedMigrations { get; }

    /// <summary>An open connection to this test's database.</summary>
    protected abstract Task<DbConnection> ConnectAsync();

    /// <summary>The tables of this test's database.</summary>
    protected abstract Task<IReadOnlyList<string>> TablesAsync();

    protected override Task<IConversationStore> CreateStoreAsync(ConversationOptions options) =>
        Task.FromResult<IConversationStore>(CreateSqlStore(ShippedMigrations, options));

    private async Task<SqlConversationStore> OpenSqlAsync(IReadOnlyList<Migration>? migrations = null)
    {
        SkipUnlessAvailable();
        var store = CreateSqlStore(migrations ?? ShippedMigrations, Bounds);
        Track(store);
        return store;
    }

    private readonly List<SqlConversationStore> _sqlStores = [];

    private void Track(SqlConversationStore store) => _sqlStores.Add(store);

    public override async Task DisposeAsync()
    {
        foreach (var store in _sqlStores)
        {
            await store.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    [SkippableFact]
    public async Task A_new_store_on_the_same_database_returns_the_history_and_the_log()
    {
        var before = await OpenAsync();
        var id = await before.AppendTurnAsync(Turns.Answered("slack:T1:C1:9.9", "What skills does an AI Architect need?"));
        await before.RecordFeedbackAsync(id, new TurnFeedback(FeedbackRating.Up));
        await ((IAsyncDisposable)before).DisposeAsync();

        var after = await OpenAsync(); // the restart

        Assert.True(await after.KnowsAsync("slack:T1:C1:9.9"));
        var turn = Assert.Single(await after.RecentTurnsAsync("slack:T1:C1:9.9"));
        Assert.Equal(id, turn.Id);
        Assert.Equal(["AI Architect"], turn.Answer.Roles);
        Assert.Equal(FeedbackRating.Up, Assert.Single(await after.ReadLogAsync(QuestionLogQuery.All)).Feedback!.Rating);
    }

    [SkippableFact]
    public async Task A_follow_up_in_a_thread_answered_before_a_restart_keeps_its_subject_after_it()
    {
        var knowledge = Knowledge.Value;
        const string thread = "discord:G1:C1:T1";
        var before = await OpenAsync();
        const string first = "What skills does an AI Scientist need?";
        var answer = ExtractiveComposer.Compose(Retriever.Retrieve(knowledge, first, []));
        Assert.Equal(["AI Scientist"], answer.Roles);
        await before.AppendTurnAsync(TurnRecord.From(thread, "discord", Turns.Hasher.Hash("discord", "80351110224678912"), first, answer, TimeSpan.FromMilliseconds(1)));
        await ((IAsyncDisposable)before).DisposeAsync();

        var after = await OpenAsync();
        var followUp = ExtractiveComposer.Compose(Retriever.Retrieve(knowledge, "and their education?", await after.HistoryAsync(thread)));

        Assert.Equal(["AI Scientist"], followUp.Roles);
        Assert.Equal("education", followUp.Aspect);
        Assert.Equal("AI Scientist", followUp.Citations[0].Role);

        // Without the history (what a restart used to mean), the follow-up loses its subject.
        Assert.DoesNotContain("AI Scientist", ExtractiveComposer.Compose(Retriever.Retrieve(knowledge, "and their education?", [])).Roles);
    }

    [SkippableFact]
    public async Task Migrations_are_applied_once_and_a_second_start_changes_nothing()
    {
        var first = await OpenSqlAsync();
        await first.MigrateAsync();
        Assert.Equal(first.LatestVersion, await first.SchemaVersionAsync());
        await first.AppendTurnAsync(Turns.Answered("m", "q"));

        var second = await OpenSqlAsync();
        await second.MigrateAsync();
        await second.MigrateAsync();

        Assert.Equal(second.LatestVersion, await second.SchemaVersionAsync());
        Assert.Equal(ShippedMigrations.Count, await CountAsync("schema_version"));
        Assert.Single(await second.ReadLogAsync(QuestionLogQuery.All));
    }

    [SkippableFact]
    public async Task Two_stores_starting_at_once_apply_each_migration_once()
    {
        var stores = new List<SqlConversationStore>();
        for (var i = 0; i < 4; i++)
        {
            stores.Add(await OpenSqlAsync());
        }

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync())));

        Assert.Equal(ShippedMigrations.Count, await CountAsync("schema_version"));
    }

    [SkippableFact]
    public async Task A_failing_migration_stops_with_a_clear_message_and_leaves_nothing_of_itself()
    {
        var broken = ShippedMigrations.Append(new Migration(ShippedMigrations[^1].Version + 1, "a broken change",
            ["CREATE TABLE half_done (x integer)", "SELECT no_such_column FROM no_such_table"])).ToArray();
        var store = await OpenSqlAsync(broken);

        var ex = await Assert.ThrowsAsync<StorageException>(() => store.MigrateAsync());

        Assert.Contains($"database migration {broken[^1].Version} (a broken change) failed on {store.Description}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_table", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ShippedMigrations[^1].Version, await store.SchemaVersionAsync()); // the ones before it were applied
        Assert.DoesNotContain("half_done", await TablesAsync());
        await Assert.ThrowsAsync<StorageException>(() => store.AppendTurnAsync(Turns.Answered("x", "q"))); // not usable

        var good = await OpenSqlAsync();
        await good.AppendTurnAsync(Turns.Answered("x", "q"));
        Assert.Single(await good.RecentTurnsAsync("x"));
    }

    [SkippableFact]
    public async Task A_database_newer_than_this_build_is_refused()
    {
        var newer = await OpenSqlAsync(ShippedMigrations.Append(new Migration(999, "from the future", ["CREATE TABLE future_table (x integer)"])).ToArray());
        await newer.MigrateAsync();

        var older = await OpenSqlAsync();
        var ex = await Assert.ThrowsAsync<StorageException>(() => older.MigrateAsync());

        Assert.Contains("schema version 999, newer than this build knows", ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task No_raw_user_id_or_name_is_stored_in_any_text_column()
    {
        const string rawSlackId = "U0RAWID42";
        const string rawDiscordId = "80351110224678912";
        var store = await OpenAsync();
        var slackHash = Turns.Hasher.Hash("slack", rawSlackId);
        var discordHash = Turns.Hasher.Hash("discord", rawDiscordId);
        var id = await store.AppendTurnAsync(Turns.Answered("slack:T1:C1:1.1", "What skills does an AI Architect need?", slackHash));
        await store.AppendTurnAsync(Turns.Abstained("discord:G1:C9:T9", "what does a data analyst do?", discordHash));
        await store.RecordFeedbackAsync(id, new TurnFeedback(FeedbackRating.Down, "too short"));

        var values = await AllTextAsync();

        Assert.Contains(slackHash, values); // the scan does see the user column
        Assert.Contains(discordHash, values);
        Assert.DoesNotContain(values, v => v.Contains(rawSlackId, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(values, v => v.Contains(rawDiscordId, StringComparison.Ordinal));
        Assert.DoesNotContain(values, v => v.Contains("slack:" + rawSlackId, StringComparison.OrdinalIgnoreCase));
    }

    [SkippableFact]
    public async Task Two_replicas_claiming_the_same_send_at_once_get_it_once()
    {
        var first = await OpenAsync();
        var second = await OpenAsync(); // another process on the same database
        await first.ClaimSendAsync("warm-up", "x", TimeSpan.FromMinutes(1)); // migrated before the race

        for (var round = 0; round < 5; round++)
        {
            var name = $"digest:2025-W{round + 10}:discord";
            var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
                Task.Run(() => (i % 2 == 0 ? first : second).ClaimSendAsync(name, "replica-" + i, TimeSpan.FromMinutes(10)))));

            Assert.Equal(1, claims.Count(c => c == SendClaim.Claimed));
            Assert.Equal(7, claims.Count(c => c == SendClaim.Held));
        }
    }

    /// <summary>Every text value in every column of every table of this test's database.</summary>
    private async Task<List<string>> AllTextAsync()
    {
        var values = new List<string>();
        await using var connection = await ConnectAsync();
        foreach (var table in await TablesAsync())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (!reader.IsDBNull(i) && reader.GetValue(i) is string text)
                    {
                        values.Add(text);
                    }
                }
            }
        }

        Assert.NotEmpty(values);
        return values;
    }

    private async Task<long> CountAsync(string table)
    {
        await using var connection = await ConnectAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    protected static IOptions<ConversationOptions> Wrap(ConversationOptions options) => Options.Create(options);
}
