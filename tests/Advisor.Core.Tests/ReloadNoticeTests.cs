using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Coordination;
using Advisor.Core.Knowledge;
using Advisor.Core.Outbound;
using Advisor.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Advisor.Core.Tests;

/// <summary>
/// After a reload, the conversations whose last answer cited a changed section are told — once, on their own
/// platform, within the cap — and what could not be told is logged.
/// </summary>
public sealed class ReloadNoticeTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 18, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeLogCollector _logs = new();
    private readonly InMemoryConversationStore _store;
    private readonly FixedKnowledgeStore _knowledge = new(TestKnowledge.Snapshot);
    private readonly RecordingNoticeSender _slack = new("slack");
    private readonly RecordingNoticeSender _discord = new("discord");
    private readonly ReloadNoticeOptions _options = new() { Enabled = true };

    // Two sections of the knowledge, whatever they are: one that changes, one that does not.
    private readonly KnowledgeSection _changed = TestKnowledge.Snapshot.Sections[0];
    private readonly KnowledgeSection _unchanged = TestKnowledge.Snapshot.Sections[1];

    public ReloadNoticeTests() => _store = new InMemoryConversationStore(Options.Create(new ConversationOptions { IdleMinutes = 120 }), _time);

    [Fact]
    public async Task The_threads_whose_last_answer_cited_a_changed_section_are_told_once_on_their_platform()
    {
        await AnswerAsync("slack:T1:C1:1.1", _changed);
        await AnswerAsync("slack:T1:C1:2.2", _unchanged);
        await AnswerAsync("discord:555", _changed, _unchanged);
        await AnswerAsync("slack:T1:C1:3.3", _changed);
        await AnswerAsync("slack:T1:C1:3.3", _unchanged); // moved on: its last answer is about something else
        await AnswerAsync("web:abc", _changed);            // no sender for the web page
        await AnswerAsync("slack:T1:C9:ask:h4sh", _changed); // a channel's /ask: no thread

        var summary = await Notices().NotifyAsync(Report(), CancellationToken.None);

        var slack = Assert.Single(_slack.Sent);
        Assert.Equal("slack:T1:C1:1.1", slack.ConversationKey);
        Assert.Equal("The section this answer used was updated; ask again for the new version.", slack.Text);
        Assert.Equal([_changed.Label], slack.UpdatedSections);
        Assert.Equal("v2", slack.KnowledgeVersion);
        Assert.Equal("discord:555", Assert.Single(_discord.Sent).ConversationKey);
        Assert.Equal([_changed.Label], _discord.Sent.Single().UpdatedSections); // only the changed one of the two it cited
        Assert.Equal(new ReloadNoticeSummary("v2", Matched: 4, Sent: 2, NoPlace: 1, NoSender: 1, AlreadyTold: 0, NotDelivered: 0, OverLimit: 0), summary);
        Assert.Contains(_logs.GetSnapshot(), r => r.Level == LogLevel.Information
            && r.Message == "Reload notices for knowledge v2: 4 conversations cited an updated section; told 2, 1 with no thread to post in, 1 on a platform not running here, 0 told before, 0 not delivered, 0 over Advisor:ReloadNotices:MaxConversations");

        // The same reload again (another replica ran it too): nobody is told twice.
        var again = await Notices("replica-b").NotifyAsync(Report(), CancellationToken.None);
        Assert.Equal(2, again.AlreadyTold);
        Assert.Single(_slack.Sent);
        Assert.Single(_discord.Sent);
    }

    [Fact]
    public async Task A_removed_section_counts_and_a_turn_the_new_version_answered_does_not()
    {
        await AnswerAsync("slack:T1:C1:1.1", _changed);
        await AnswerAsync("slack:T1:C1:2.2", _changed, version: "v2");

        var summary = await Notices().NotifyAsync(Report(changed: [], removed: [_changed.Id]), CancellationToken.None);

        Assert.Equal(1, summary.Sent);
        var notice = Assert.Single(_slack.Sent);
        Assert.Equal("slack:T1:C1:1.1", notice.ConversationKey);
        Assert.Equal([_changed.Label], notice.UpdatedSections); // the label of the version served (the fixed store still has it)
    }

    [Fact]
    public async Task Idle_conversations_are_not_told()
    {
        await AnswerAsync("slack:T1:C1:1.1", _changed);
        _time.Advance(TimeSpan.FromMinutes(121));
        await AnswerAsync("slack:T1:C1:2.2", _changed);

        var summary = await Notices().NotifyAsync(Report(), CancellationToken.None);

        Assert.Equal("slack:T1:C1:2.2", Assert.Single(_slack.Sent).ConversationKey);
        Assert.Equal(1, summary.Matched);
    }

    [Fact]
    public async Task Over_the_cap_the_most_recently_active_are_told_and_the_rest_are_logged_as_skipped()
    {
        _options.MaxConversations = 2;
        for (var i = 1; i <= 5; i++)
        {
            await AnswerAsync($"slack:T1:C1:{i}.0", _changed);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        var summary = await Notices().NotifyAsync(Report(), CancellationToken.None);

        Assert.Equal(["slack:T1:C1:5.0", "slack:T1:C1:4.0"], _slack.Sent.Select(n => n.ConversationKey));
        Assert.Equal(3, summary.OverLimit);
        Assert.Equal(5, summary.Matched);
        Assert.Contains(_logs.GetSnapshot(), r => r.Level == LogLevel.Warning
            && r.Message == "Reload notices for knowledge v2: 5 conversations cited an updated section; only the 2 most recently active are told, 3 are skipped (Advisor:ReloadNotices:MaxConversations)");
    }

    [Fact]
    public async Task A_notice_that_does_not_arrive_is_tried_again_and_then_logged_as_not_delivered()
    {
        await AnswerAsync("slack:T1:C1:1.1", _changed);
        await AnswerAsync("slack:T1:C1:2.2", _changed);
        _slack.Answer = (key, attempt) => key.EndsWith("1.1", StringComparison.Ordinal) && attempt == 1 || key.EndsWith("2.2", StringComparison.Ordinal)
            ? PostResult.Failed("Slack chat.postMessage: ratelimited")
            : PostResult.Sent;

        var notifying = Notices().NotifyAsync(Report(), CancellationToken.None);
        await Eventually.TrueAsync(() =>
        {
            _time.Advance(TimeSpan.FromSeconds(20));
            return notifying.IsCompleted;
        }, "the retries", timeoutSeconds: 60);
        var summary = await notifying;

        Assert.Equal("slack:T1:C1:1.1", Assert.Single(_slack.Sent).ConversationKey);
        Assert.Equal(2, _slack.AttemptsAt("slack:T1:C1:1.1"));
        Assert.Equal(ReloadNotices.Rounds, _slack.AttemptsAt("slack:T1:C1:2.2"));
        Assert.Equal(1, summary.Sent);
        Assert.Equal(1, summary.NotDelivered);
        Assert.Contains(_logs.GetSnapshot(), r => r.Level == LogLevel.Error
            && r.Message == "Reload notice to slack:T1:C1:2.2 (knowledge v2) not delivered after 3 tries: Slack chat.postMessage: ratelimited");
        Assert.False(await _store.WasSentAsync(ReloadNotices.ClaimName("v2", "slack:T1:C1:2.2")));
        Assert.True(await _store.WasSentAsync(ReloadNotices.ClaimName("v2", "slack:T1:C1:1.1")));
    }

    [Fact]
    public async Task Without_the_store_s_claim_nothing_is_sent_and_the_reason_is_logged()
    {
        await AnswerAsync("slack:T1:C1:1.1", _changed);
        var notices = Notices(store: new ClaimsDownStore(_store));

        var notifying = notices.NotifyAsync(Report(), CancellationToken.None);
        await Eventually.TrueAsync(() =>
        {
            _time.Advance(TimeSpan.FromSeconds(20));
            return notifying.IsCompleted;
        }, "the retries", timeoutSeconds: 60);

        Assert.Equal(1, (await notifying).NotDelivered);
        Assert.Empty(_slack.Sent);
        Assert.Contains(_logs.GetSnapshot(), r => r.Level == LogLevel.Error && r.Message.StartsWith("Reload notice to slack:T1:C1:1.1 not sent: the store could not record it", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reload_that_changed_nothing_or_failed_tells_nobody()
    {
        await AnswerAsync("slack:T1:C1:1.1", _changed);

        var unchanged = await Notices().NotifyAsync(Report() with { PreviousVersion = "v2" }, CancellationToken.None);
        var failed = await Notices().NotifyAsync(Report() with { Succeeded = false }, CancellationToken.None);
        var other = await Notices().NotifyAsync(Report(changed: [_unchanged.Id]), CancellationToken.None);

        Assert.Equal(ReloadNoticeSummary.Nothing("v2"), unchanged);
        Assert.Equal(ReloadNoticeSummary.Nothing("v2"), failed);
        Assert.Equal(0, other.Matched);
        Assert.Empty(_slack.Sent);
    }

    [Fact]
    public async Task Switched_on_it_follows_every_reload_of_the_knowledge_store_until_stopped()
    {
        await AnswerAsync("discord:555", _changed);
        var notices = Notices();
        await notices.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal(1, _knowledge.Subscribers);
            _knowledge.Raise(Report());
            await Eventually.TrueAsync(() => notices.LastSummary is not null, "the notices after the reload");
            Assert.Equal("discord:555", Assert.Single(_discord.Sent).ConversationKey);
        }
        finally
        {
            await notices.StopAsync(CancellationToken.None);
        }

        Assert.Equal(0, _knowledge.Subscribers);
    }

    [Fact]
    public async Task Switched_off_it_does_not_listen()
    {
        _options.Enabled = false;
        var notices = Notices();

        await notices.StartAsync(CancellationToken.None);
        await notices.StopAsync(CancellationToken.None);

        Assert.Equal(0, _knowledge.Subscribers);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public void A_cap_out_of_range_is_refused_with_the_key_named(int max)
    {
        var result = new ReloadNoticeOptionsValidator().Validate(null, new ReloadNoticeOptions { MaxConversations = max });

        Assert.True(result.Failed);
        Assert.Contains("Advisor:ReloadNotices:MaxConversations must be between 1 and 10000", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new ReloadNoticeOptionsValidator().Validate(null, new ReloadNoticeOptions()).Succeeded);
    }

    [Fact]
    public void A_notice_id_is_short_stable_and_different_per_conversation_and_version()
    {
        var id = ReloadNotice.IdOf("v2", "slack:T1:C1:1.1");

        Assert.Equal(18, id.Length);
        Assert.Equal(id, ReloadNotice.IdOf("v2", "slack:T1:C1:1.1"));
        Assert.NotEqual(id, ReloadNotice.IdOf("v3", "slack:T1:C1:1.1"));
        Assert.NotEqual(id, ReloadNotice.IdOf("v2", "slack:T1:C1:1.2"));
    }

    private ReloadNotices Notices(string replica = "replica-a", IConversationStore? store = null) => new(
        _knowledge,
        store ?? _store,
        [_slack, _discord],
        Options.Create(_options),
        new ReplicaIdentity(replica),
        _time,
        new FakeLogger<ReloadNotices>(_logs));

    private ReloadReport Report(IReadOnlyList<string>? changed = null, IReadOnlyList<string>? removed = null) => new()
    {
        Succeeded = true,
        Version = "v2",
        PreviousVersion = "v1",
        SectionsChanged = changed ?? [_changed.Id],
        SectionsRemoved = removed ?? [],
    };

    private Task<TurnId> AnswerAsync(string conversation, KnowledgeSection cited, KnowledgeSection? also = null, string version = "v1") =>
        _store.AppendTurnAsync(new TurnRecord(conversation, conversation[..conversation.IndexOf(':', StringComparison.Ordinal)], null, "a question",
            new TurnAnswer { Kind = AnswerKind.Answer, SectionIds = also is null ? [cited.Id] : [cited.Id, also.Id], KnowledgeVersion = version },
            TimeSpan.FromMilliseconds(3)));
}
