using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Microsoft.Extensions.Time.Testing;

namespace Advisor.Storage.Tests;

/// <summary>
/// What every <see cref="IConversationStore"/> does, run against each implementation (in memory, SQLite, PostgreSQL).
/// Time is a <see cref="FakeTimeProvider"/>: idle expiry and retention are driven by advancing it, never by waiting.
/// </summary>
public abstract class ConversationStoreContract : IAsyncLifetime
{
    protected static readonly ConversationOptions Bounds = new() { MaxTurns = 3, IdleMinutes = 30, MaxConversations = 100 };

    private readonly List<IConversationStore> _opened = [];

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>A store on this test's database (the same database on every call: a second call is a restart).</summary>
    protected abstract Task<IConversationStore> CreateStoreAsync(ConversationOptions options);

    /// <summary>Skips (or fails, where required) when the implementation cannot run here.</summary>
    protected virtual void SkipUnlessAvailable()
    {
    }

    protected async Task<IConversationStore> OpenAsync(ConversationOptions? options = null)
    {
        SkipUnlessAvailable();
        var store = await CreateStoreAsync(options ?? Bounds);
        _opened.Add(store);
        return store;
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    [SkippableFact]
    public async Task Appended_turns_come_back_oldest_first_with_what_a_follow_up_needs()
    {
        var store = await OpenAsync();
        var first = await store.AppendTurnAsync(Turns.Answered("slack:T1:C1:1.1", "What skills does an AI Architect need?"));
        Time.Advance(TimeSpan.FromSeconds(5));
        var second = await store.AppendTurnAsync(Turns.Answered("slack:T1:C1:1.1", "and their education?", aspect: "education"));

        var turns = await store.RecentTurnsAsync("slack:T1:C1:1.1");

        Assert.Equal([first, second], turns.Select(t => t.Id));
        Assert.NotEqual(first, second);
        var turn = turns[0];
        Assert.Equal("What skills does an AI Architect need?", turn.Question);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero), turn.At);
        Assert.Equal(AnswerKind.Answer, turn.Answer.Kind);
        Assert.Equal(["AI Architect"], turn.Answer.Roles);
        Assert.Equal("skills", turn.Answer.Aspect);
        Assert.Equal(["ai-architect-vs-ml-research-engineer.txt#skills/ai-architect", "ai-architect-vs-ml-research-engineer.txt#introduction"], turn.Answer.SectionIds);
        Assert.StartsWith("AI Architect — skills:", turn.Answer.Text, StringComparison.Ordinal);
        Assert.Equal("k-0001", turn.Answer.KnowledgeVersion);
        Assert.Equal("education", turns[1].Answer.Aspect);

        var history = await store.HistoryAsync("slack:T1:C1:1.1");
        Assert.Equal(["AI Architect"], history[0].Answer!.Roles);
        Assert.Equal("education", history[1].Answer!.Aspect);
    }

    [SkippableFact]
    public async Task An_answer_without_its_text_and_an_abstention_are_kept_as_they_were()
    {
        var store = await OpenAsync();
        var record = Turns.Answered("c", "skills of an AI architect?");
        await store.AppendTurnAsync(record with { Answer = record.Answer with { Text = null, Aspect = null, Roles = [] } });
        await store.AppendTurnAsync(Turns.Abstained("c", "what does a data analyst do?"));

        var turns = await store.RecentTurnsAsync("c");

        Assert.Null(turns[0].Answer.Text);
        Assert.Null(turns[0].Answer.Aspect);
        Assert.Empty(turns[0].Answer.Roles);
        Assert.Equal("", turns[0].ToConversationTurn().Answer!.Text);
        Assert.True(turns[1].Answer.Abstained);
        Assert.Equal(AnswerKind.UncoveredRole, turns[1].Answer.Kind);
        Assert.Equal("data analyst", turns[1].Answer.Uncovered);
        Assert.Empty(turns[1].Answer.SectionIds);
    }

    [SkippableFact]
    public async Task Only_the_last_MaxTurns_turns_of_a_conversation_are_returned_and_conversations_stay_apart()
    {
        var store = await OpenAsync();
        for (var i = 1; i <= 5; i++)
        {
            await store.AppendTurnAsync(Turns.Answered("thread-a", $"question a{i}"));
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        await store.AppendTurnAsync(Turns.Answered("thread-b", "question b1"));

        Assert.Equal(["question a3", "question a4", "question a5"], (await store.RecentTurnsAsync("thread-a")).Select(t => t.Question));
        Assert.Equal(["question b1"], (await store.RecentTurnsAsync("thread-b")).Select(t => t.Question));
        Assert.Empty(await store.RecentTurnsAsync("thread-c"));
    }

    [SkippableFact]
    public async Task Turns_made_in_the_same_instant_keep_their_order()
    {
        var store = await OpenAsync();
        foreach (var q in new[] { "one", "two", "three" })
        {
            await store.AppendTurnAsync(Turns.Answered("same-instant", q));
        }

        Assert.Equal(["one", "two", "three"], (await store.RecentTurnsAsync("same-instant")).Select(t => t.Question));
    }

    [SkippableFact]
    public async Task With_MaxTurns_zero_nothing_is_handed_back_but_the_conversation_is_known_and_logged()
    {
        var store = await OpenAsync(new ConversationOptions { MaxTurns = 0, IdleMinutes = 30 });
        await store.AppendTurnAsync(Turns.Answered("z", "q"));

        Assert.Empty(await store.RecentTurnsAsync("z"));
        Assert.True(await store.KnowsAsync("z"));
        Assert.Single(await store.ReadLogAsync(QuestionLogQuery.All));
    }

    [SkippableFact]
    public async Task An_idle_conversation_is_forgotten_and_its_next_turn_starts_afresh()
    {
        var store = await OpenAsync();
        await store.AppendTurnAsync(Turns.Answered("idle", "old question"));

        Time.Advance(TimeSpan.FromMinutes(30));
        Assert.True(await store.KnowsAsync("idle")); // exactly the idle time: still known
        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(await store.KnowsAsync("idle"));
        Assert.Empty(await store.RecentTurnsAsync("idle"));

        await store.AppendTurnAsync(Turns.Answered("idle", "new question"));
        Assert.Equal(["new question"], (await store.RecentTurnsAsync("idle")).Select(t => t.Question));
        Assert.Equal(2, (await store.ReadLogAsync(QuestionLogQuery.All)).Count); // the log keeps both
    }

    [SkippableFact]
    public async Task Knows_a_conversation_after_a_turn_or_a_touch_and_a_touch_keeps_it_from_going_idle()
    {
        var store = await OpenAsync();
        Assert.False(await store.KnowsAsync("never-seen"));

        await store.TouchAsync("touched");
        Assert.True(await store.KnowsAsync("touched"));
        Assert.Empty(await store.RecentTurnsAsync("touched"));

        await store.AppendTurnAsync(Turns.Answered("answered", "q"));
        Time.Advance(TimeSpan.FromMinutes(20));
        await store.TouchAsync("answered");
        Time.Advance(TimeSpan.FromMinutes(20));
        Assert.True(await store.KnowsAsync("answered"));
        Assert.Single(await store.RecentTurnsAsync("answered"));
        Assert.False(await store.KnowsAsync("touched"));
    }

    [SkippableFact]
    public async Task Feedback_is_kept_on_the_log_entry_and_the_last_click_wins()
    {
        var store = await OpenAsync();
        var id = await store.AppendTurnAsync(Turns.Answered("fb", "q"));

        Assert.True(await store.RecordFeedbackAsync(id, new TurnFeedback(FeedbackRating.Up, "  very helpful  ")));
        var entry = Assert.Single(await store.ReadLogAsync(QuestionLogQuery.All));
        Assert.Equal(new TurnFeedback(FeedbackRating.Up, "very helpful"), entry.Feedback);
        Assert.Equal(Time.GetUtcNow(), entry.FeedbackAt);

        Time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await store.RecordFeedbackAsync(id, new TurnFeedback(FeedbackRating.Down)));
        entry = Assert.Single(await store.ReadLogAsync(QuestionLogQuery.All));
        Assert.Equal(new TurnFeedback(FeedbackRating.Down, null), entry.Feedback);
        Assert.Equal(Time.GetUtcNow(), entry.FeedbackAt);

        Assert.False(await store.RecordFeedbackAsync(TurnId.New(Time.GetUtcNow()), new TurnFeedback(FeedbackRating.Up)));
    }

    [SkippableFact]
    public async Task Feedback_text_is_cut_to_its_maximum()
    {
        var store = await OpenAsync();
        var id = await store.AppendTurnAsync(Turns.Answered("fb", "q"));
        await store.RecordFeedbackAsync(id, new TurnFeedback(FeedbackRating.Down, new string('x', TurnFeedback.MaxTextLength + 50)));
        Assert.Equal(TurnFeedback.MaxTextLength, (await store.ReadLogAsync(QuestionLogQuery.All))[0].Feedback!.Text!.Length);
    }

    [SkippableFact]
    public async Task The_question_log_keeps_every_field_of_every_turn()
    {
        var store = await OpenAsync();
        var answered = await store.AppendTurnAsync(Turns.Answered("log", "What skills does an AI Architect need?"));
        Time.Advance(TimeSpan.FromSeconds(1));
        var abstained = await store.AppendTurnAsync(Turns.Abstained("log", "what does a data analyst do?"));
        for (var i = 0; i < 4; i++)
        {
            await store.AppendTurnAsync(Turns.Answered("log", $"more {i}"));
        }

        var log = await store.ReadLogAsync(QuestionLogQuery.All);
        Assert.Equal(6, log.Count); // beyond MaxTurns: the log keeps every turn

        var a = log.Single(e => e.Id == answered);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero), a.At);
        Assert.Equal("slack", a.Platform);
        Assert.Equal(Turns.Alice, a.UserHash);
        Assert.Equal("What skills does an AI Architect need?", a.Question);
        Assert.Equal(AnswerKind.Answer, a.Kind);
        Assert.False(a.Abstained);
        Assert.Null(a.AbstentionReason);
        Assert.Equal(["ai-architect-vs-ml-research-engineer.txt#skills/ai-architect", "ai-architect-vs-ml-research-engineer.txt#introduction"], a.SectionIds);
        Assert.Equal("k-0001", a.KnowledgeVersion);
        Assert.Equal(12.5, a.Latency.TotalMilliseconds, 3);
        Assert.Null(a.Feedback);
        Assert.Null(a.FeedbackAt);

        var b = log.Single(e => e.Id == abstained);
        Assert.Equal("discord", b.Platform);
        Assert.Equal(Turns.Bob, b.UserHash);
        Assert.True(b.Abstained);
        Assert.Equal(AnswerKind.UncoveredRole, b.Kind);
        Assert.Equal("uncovered-role: data analyst", b.AbstentionReason);
        Assert.Empty(b.SectionIds);
    }

    [SkippableFact]
    public async Task The_log_reads_newest_first_by_user_since_a_time_and_up_to_a_limit()
    {
        var store = await OpenAsync();
        await store.AppendTurnAsync(Turns.Answered("r", "alice 1", Turns.Alice));
        Time.Advance(TimeSpan.FromMinutes(1));
        var since = Time.GetUtcNow();
        await store.AppendTurnAsync(Turns.Answered("r", "bob 1", Turns.Bob));
        Time.Advance(TimeSpan.FromMinutes(1));
        await store.AppendTurnAsync(Turns.Answered("r", "alice 2", Turns.Alice));

        Assert.Equal(["alice 2", "bob 1", "alice 1"], (await store.ReadLogAsync(QuestionLogQuery.All)).Select(e => e.Question));
        Assert.Equal(["alice 2", "alice 1"], (await store.ReadLogAsync(new QuestionLogQuery { UserHash = Turns.Alice })).Select(e => e.Question));
        Assert.Equal(["alice 2", "bob 1"], (await store.ReadLogAsync(new QuestionLogQuery { Since = since })).Select(e => e.Question));
        Assert.Equal(["alice 2"], (await store.ReadLogAsync(new QuestionLogQuery { Limit = 1 })).Select(e => e.Question));
    }

    [SkippableFact]
    public async Task Forget_removes_the_users_log_entries_and_turns_and_nobody_elses()
    {
        var store = await OpenAsync();
        await store.AppendTurnAsync(Turns.Answered("shared", "alice asks", Turns.Alice));
        await store.AppendTurnAsync(Turns.Answered("shared", "bob asks", Turns.Bob));
        await store.AppendTurnAsync(Turns.Answered("alice-only", "alice again", Turns.Alice));
        await store.AppendTurnAsync(Turns.Answered("alice-only", "and again", Turns.Alice));

        var result = await store.ForgetUserAsync(Turns.Alice);

        Assert.Equal(new ForgetResult(LogEntries: 3, Turns: 3), result);
        Assert.Equal(["bob asks"], (await store.ReadLogAsync(QuestionLogQuery.All)).Select(e => e.Question));
        Assert.Equal(["bob asks"], (await store.RecentTurnsAsync("shared")).Select(t => t.Question));
        Assert.True(await store.KnowsAsync("shared"));
        Assert.Empty(await store.RecentTurnsAsync("alice-only"));
        Assert.False(await store.KnowsAsync("alice-only")); // a conversation left with no turn is forgotten too
        Assert.Equal(new ForgetResult(0, 0), await store.ForgetUserAsync(Turns.Alice));
    }

    [SkippableFact]
    public async Task Purge_removes_log_entries_older_than_the_cutoff_and_conversations_gone_idle()
    {
        var store = await OpenAsync();
        await store.AppendTurnAsync(Turns.Answered("old", "old question"));
        Time.Advance(TimeSpan.FromDays(10));
        await store.AppendTurnAsync(Turns.Answered("new", "new question"));
        var feedbackOnNew = (await store.ReadLogAsync(QuestionLogQuery.All))[0].Id;
        await store.RecordFeedbackAsync(feedbackOnNew, new TurnFeedback(FeedbackRating.Up));

        var result = await store.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromDays(5));

        Assert.Equal(new PurgeResult(LogEntries: 1, Turns: 1, Conversations: 1), result);
        var left = Assert.Single(await store.ReadLogAsync(QuestionLogQuery.All));
        Assert.Equal("new question", left.Question);
        Assert.NotNull(left.Feedback);
        Assert.Single(await store.RecentTurnsAsync("new"));
        Assert.False(await store.KnowsAsync("old"));
        Assert.Equal(new PurgeResult(0, 0, 0), await store.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromDays(5)));
    }

    [SkippableFact]
    public async Task Purge_keeps_an_active_conversation_but_drops_its_turns_older_than_the_cutoff()
    {
        var store = await OpenAsync(new ConversationOptions { MaxTurns = 5, IdleMinutes = 7 * 24 * 60 });
        await store.AppendTurnAsync(Turns.Answered("long", "day 0"));
        Time.Advance(TimeSpan.FromDays(3));
        await store.AppendTurnAsync(Turns.Answered("long", "day 3"));

        var result = await store.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromDays(1));

        Assert.Equal(new PurgeResult(1, 1, 0), result);
        Assert.Equal(["day 3"], (await store.RecentTurnsAsync("long")).Select(t => t.Question));
    }

    [SkippableFact]
    public async Task Turn_ids_round_trip_through_text()
    {
        var store = await OpenAsync();
        var id = await store.AppendTurnAsync(Turns.Answered("ids", "q"));
        Assert.True(TurnId.TryParse(id.ToString(), out var parsed));
        Assert.Equal(id, parsed);
        Assert.Matches("^[0-9a-f]{32}$", id.ToString());
        Assert.False(TurnId.TryParse("not-an-id", out _));
        Assert.True(await store.RecordFeedbackAsync(parsed, new TurnFeedback(FeedbackRating.Up)));
    }

    [SkippableFact]
    public async Task A_turn_is_kept_under_the_id_given_out_before_it_was_delivered()
    {
        var store = await OpenAsync();
        var given = TurnId.New(Time.GetUtcNow());

        var kept = await store.AppendTurnAsync(Turns.Answered("given", "q") with { Id = given });

        Assert.Equal(given, kept);
        Assert.Equal(given, Assert.Single(await store.RecentTurnsAsync("given")).Id);
        Assert.Equal(given, Assert.Single(await store.ReadLogAsync(new QuestionLogQuery())).Id);
        Assert.True(await store.RecordFeedbackAsync(given, new TurnFeedback(FeedbackRating.Down, "missing the tools")));
    }

    private const string Skills = "ai-architect-vs-ml-research-engineer.txt#skills/ai-architect";

    private static TurnRecord AnsweredBy(string conversation, string question, string aspect, string version) =>
        Turns.Answered(conversation, question, aspect: aspect) is var t ? t with { Answer = t.Answer with { KnowledgeVersion = version } } : t;

    [SkippableFact]
    public async Task The_conversations_whose_last_turn_cited_a_changed_section_are_found_most_recent_first()
    {
        var store = await OpenAsync();
        await store.AppendTurnAsync(Turns.Answered("idle", "skills?"));                      // gone idle below
        Time.Advance(TimeSpan.FromMinutes(31));
        await store.AppendTurnAsync(Turns.Answered("older", "skills?"));                     // cites skills
        Time.Advance(TimeSpan.FromMinutes(1));
        await store.AppendTurnAsync(Turns.Answered("moved-on", "skills?"));                  // cited skills, then education last
        await store.AppendTurnAsync(Turns.Answered("moved-on", "and their education?", aspect: "education"));
        await store.AppendTurnAsync(Turns.Answered("other", "education?", aspect: "education"));
        await store.AppendTurnAsync(AnsweredBy("answered-by-new", "skills?", "skills", "k-0002")); // the new version answered it
        await store.AppendTurnAsync(Turns.Abstained("refused", "data analyst?"));
        Time.Advance(TimeSpan.FromMinutes(1));
        await store.AppendTurnAsync(Turns.Answered("newer", "skills?"));                     // cites skills, most recent

        var found = await store.FindLastCitingAsync([Skills], "k-0002", 10);

        Assert.Equal(["newer", "older"], found.Conversations.Select(c => c.ConversationKey));
        Assert.Equal(2, found.Total);
        Assert.Equal(0, found.OverLimit);
        var newer = found.Conversations[0];
        Assert.Equal(Time.GetUtcNow(), newer.LastActive);
        Assert.Equal([Skills, "ai-architect-vs-ml-research-engineer.txt#introduction"], newer.SectionIds);
        Assert.Equal(Assert.Single(await store.RecentTurnsAsync("newer")).Id, newer.LastTurn);
    }

    [SkippableFact]
    public async Task The_search_is_capped_and_says_how_many_matched_in_all()
    {
        var store = await OpenAsync();
        foreach (var key in new[] { "slack:T1:C1:1.1", "slack:T1:C1:2.2", "discord:555" })
        {
            await store.AppendTurnAsync(Turns.Answered(key, "skills?"));
            Time.Advance(TimeSpan.FromSeconds(10));
        }

        var found = await store.FindLastCitingAsync([Skills, "no-such.md#x"], "k-0002", 2);

        Assert.Equal(["discord:555", "slack:T1:C1:2.2"], found.Conversations.Select(c => c.ConversationKey));
        Assert.Equal(["discord", "slack"], found.Conversations.Select(c => c.Platform));
        Assert.Equal(3, found.Total);
        Assert.Equal(1, found.OverLimit);
        Assert.Empty((await store.FindLastCitingAsync(["no-such.md#x"], "k-0002", 2)).Conversations);
        Assert.Equal(0, (await store.FindLastCitingAsync([], "k-0002", 2)).Total);
    }

    [SkippableFact]
    public async Task Section_ids_are_matched_exactly_not_as_patterns()
    {
        var store = await OpenAsync();
        var odd = "notes/100%_done \"quoted\" [x].md#a/b";
        await store.AppendTurnAsync(Turns.Answered("odd", "q") is var t ? t with { Answer = t.Answer with { SectionIds = [odd] } } : t);

        Assert.Equal("odd", Assert.Single((await store.FindLastCitingAsync([odd], "k-0002", 5)).Conversations).ConversationKey);
        Assert.Empty((await store.FindLastCitingAsync(["notes/100%_done"], "k-0002", 5)).Conversations);
        Assert.Empty((await store.FindLastCitingAsync(["notes/1000done \"quoted\" [x].md#a/b"], "k-0002", 5)).Conversations);
    }

    [SkippableFact]
    public async Task A_send_is_claimed_by_one_owner_and_once_completed_never_again()
    {
        var store = await OpenAsync();
        const string name = "digest:2025-W09:slack";

        Assert.Equal(SendClaim.Claimed, await store.ClaimSendAsync(name, "replica-a", TimeSpan.FromMinutes(10)));
        Assert.Equal(SendClaim.Held, await store.ClaimSendAsync(name, "replica-b", TimeSpan.FromMinutes(10)));
        Assert.Equal(SendClaim.Claimed, await store.ClaimSendAsync(name, "replica-a", TimeSpan.FromMinutes(10))); // its own, extended
        Assert.False(await store.WasSentAsync(name));

        await store.CompleteSendAsync(name);

        Assert.True(await store.WasSentAsync(name));
        Assert.Equal(SendClaim.AlreadySent, await store.ClaimSendAsync(name, "replica-b", TimeSpan.FromMinutes(10)));
        Assert.Equal(SendClaim.AlreadySent, await store.ClaimSendAsync(name, "replica-a", TimeSpan.FromMinutes(10)));
        await store.ReleaseSendAsync(name, "replica-a"); // a done send stays done
        Assert.True(await store.WasSentAsync(name));
        Assert.False(await store.WasSentAsync("digest:2025-W10:slack"));

        var restarted = await OpenAsync();
        Assert.Equal(SendClaim.AlreadySent, await restarted.ClaimSendAsync(name, "replica-c", TimeSpan.FromMinutes(10)));
    }

    [SkippableFact]
    public async Task A_claim_that_ran_out_can_be_taken_over_and_a_released_one_at_once()
    {
        var store = await OpenAsync();
        const string name = "reload-notice:k-0002:slack:T1:C1:1.1";
        Assert.Equal(SendClaim.Claimed, await store.ClaimSendAsync(name, "a", TimeSpan.FromMinutes(5)));

        Time.Advance(TimeSpan.FromMinutes(6)); // "a" died holding it
        Assert.Equal(SendClaim.Claimed, await store.ClaimSendAsync(name, "b", TimeSpan.FromMinutes(5)));
        await store.ReleaseSendAsync(name, "a"); // not a's any more: nothing happens
        Assert.Equal(SendClaim.Held, await store.ClaimSendAsync(name, "c", TimeSpan.FromMinutes(5)));

        await store.ReleaseSendAsync(name, "b"); // b could not send it
        Assert.False(await store.WasSentAsync(name));
        Assert.Equal(SendClaim.Claimed, await store.ClaimSendAsync(name, "c", TimeSpan.FromMinutes(5)));
    }

    [SkippableFact]
    public async Task Sends_are_forgotten_with_the_retention_purge()
    {
        var store = await OpenAsync();
        await store.CompleteSendAsync("digest:2025-W09:slack");
        Time.Advance(TimeSpan.FromDays(2));
        await store.CompleteSendAsync("digest:2025-W10:slack");

        await store.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromDays(1));

        Assert.False(await store.WasSentAsync("digest:2025-W09:slack"));
        Assert.True(await store.WasSentAsync("digest:2025-W10:slack"));
    }
}
