using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Coordination;
using Advisor.Core.Insights;
using Advisor.Core.Outbound;
using Advisor.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Advisor.Core.Tests;

/// <summary>
/// The weekly digest: when it is due, what it says, and that it goes out once a week per channel — across ticks,
/// restarts and replicas — with failures logged and retried. Time is a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class DigestTests
{
    /// <summary>A Monday, an hour before the digest's default time.</summary>
    private static readonly DateTimeOffset MondayEight = new(2026, 5, 18, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(MondayEight);
    private readonly FakeLogCollector _logs = new();
    private readonly InMemoryConversationStore _store;
    private readonly RecordingDigestSender _slack = new("slack");
    private readonly RecordingDigestSender _discord = new("discord");
    private readonly DigestOptions _options = new()
    {
        Enabled = true,
        Channels = { ["slack"] = "C0ADMIN", ["discord"] = "444000000000000001" },
        WebUrl = "https://advisor.example.com/team",
    };

    public DigestTests()
    {
        Assert.Equal(DayOfWeek.Monday, MondayEight.DayOfWeek);
        _store = new InMemoryConversationStore(Options.Create(new ConversationOptions()), _time);
    }

    [Theory]
    [InlineData("2026-05-18T09:00:00Z", "2026-05-18T09:00:00Z")] // at the time: due now
    [InlineData("2026-05-18T08:59:59Z", "2026-05-11T09:00:00Z")] // a second before: last week's
    [InlineData("2026-05-24T23:00:00Z", "2026-05-18T09:00:00Z")] // Sunday night
    [InlineData("2026-05-20T12:00:00Z", "2026-05-18T09:00:00Z")]
    public void The_latest_due_time_is_the_last_Monday_nine_o_clock(string now, string due) =>
        Assert.Equal(DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture),
            DigestSchedule.LatestDue(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), DayOfWeek.Monday, 9));

    [Fact]
    public void Each_due_time_has_its_own_ISO_week_also_over_new_year()
    {
        Assert.Equal("2026-W21", DigestSchedule.WeekOf(new DateTimeOffset(2026, 5, 18, 9, 0, 0, TimeSpan.Zero)));
        Assert.Equal("2026-W53", DigestSchedule.WeekOf(new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.Zero)));
        Assert.Equal("2027-W01", DigestSchedule.WeekOf(new DateTimeOffset(2027, 1, 4, 9, 0, 0, TimeSpan.Zero)));
        var sundays = Enumerable.Range(0, 60).Select(w => DigestSchedule.WeekOf(new DateTimeOffset(2026, 1, 4, 23, 0, 0, TimeSpan.Zero).AddDays(7 * w))).ToList();
        Assert.Equal(sundays.Count, sundays.Distinct().Count());
    }

    [Fact]
    public async Task The_digest_counts_the_week_lists_its_largest_gaps_and_links_the_gap_report()
    {
        await SeedWeekAsync();
        var digest = await Publisher().ComposeAsync("2026-W21", "2026-W21", MondayEight.AddHours(1), CancellationToken.None);

        Assert.Equal(new QuestionCounts(Questions: 6, Answered: 2, Refused: 4, ThumbsUp: 1, ThumbsDown: 1, DislikedAnswers: 1), digest.Counts);
        Assert.Equal(MondayEight.AddHours(1) - TimeSpan.FromDays(7), digest.From);
        var top = digest.TopGaps[0];
        Assert.Equal("uncovered-role", top.Kind);
        Assert.Equal("data analyst", top.Subject);
        Assert.Equal(3, top.Count);
        Assert.Equal(new Uri("https://advisor.example.com/team/insights?days=7#gaps"), digest.GapReportLink);

        var text = digest.ToText();
        Assert.Contains("Questions: 6 · answered from the knowledge: 2 · refused: 4 · 👍 1 · 👎 1", text, StringComparison.Ordinal);
        Assert.Contains("1. 3 questions — a role the articles don't cover: data analyst", text, StringComparison.Ordinal);
        Assert.Contains("Gap report: https://advisor.example.com/team/insights?days=7#gaps", text, StringComparison.Ordinal);
        Assert.DoesNotContain("older than the week", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_largest_gaps_are_listed_and_without_a_web_address_the_command_is_named()
    {
        await SeedWeekAsync();
        _options.TopGaps = 1;
        _options.WebUrl = null;

        var digest = await Publisher().ComposeAsync("x", "2026-W21", MondayEight.AddHours(1), CancellationToken.None);

        Assert.Single(digest.TopGaps);
        Assert.True(digest.GapGroups > 1);
        Assert.Null(digest.GapReportLink);
        Assert.Contains($"Top knowledge gaps (1 of {digest.GapGroups} groups)", digest.ToText(), StringComparison.Ordinal);
        Assert.Contains("advisor gaps --since 7d", digest.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_week_without_questions_says_so()
    {
        var digest = await Publisher().ComposeAsync("x", "2026-W21", MondayEight, CancellationToken.None);

        Assert.Equal(QuestionCounts.None, digest.Counts);
        Assert.Empty(digest.TopGaps);
        Assert.Contains("Knowledge gaps: none — there were no questions in this period.", digest.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task It_goes_out_at_its_hour_once_per_channel_and_again_the_next_week()
    {
        await SeedWeekAsync();
        var scheduler = Scheduler();

        var early = await scheduler.TickAsync(CancellationToken.None); // last week's is long past: not sent now
        Assert.Equal(DigestOutcome.Missed, early.Outcomes["slack"]);
        Assert.Empty(_slack.Posted);

        _time.SetUtcNow(MondayEight.AddHours(1));
        var due = await scheduler.TickAsync(CancellationToken.None);
        Assert.Equal("2026-W21", due.Week);
        Assert.Equal(DigestOutcome.Sent, due.Outcomes["slack"]);
        Assert.Equal(DigestOutcome.Sent, due.Outcomes["discord"]);
        var (channel, digest) = Assert.Single(_slack.Posted);
        Assert.Equal("C0ADMIN", channel);
        Assert.Equal(6, digest.Counts.Questions);
        Assert.Equal("444000000000000001", Assert.Single(_discord.Posted).Channel);
        Assert.Same(digest, _discord.Posted.Single().Digest); // composed once

        for (var i = 0; i < 12; i++)
        {
            _time.Advance(DigestScheduler.Tick);
            Assert.Equal(DigestOutcome.AlreadySent, (await scheduler.TickAsync(CancellationToken.None)).Outcomes["slack"]);
        }

        Assert.Single(_slack.Posted);
        Assert.Contains(_logs.GetSnapshot(), r => r.Level == LogLevel.Information && r.Message.StartsWith("Weekly digest 2026-W21 posted to slack channel C0ADMIN", StringComparison.Ordinal));

        _time.SetUtcNow(MondayEight.AddDays(7).AddHours(1).AddMinutes(2));
        var next = await scheduler.TickAsync(CancellationToken.None);
        Assert.Equal("2026-W22", next.Week);
        Assert.Equal(DigestOutcome.Sent, next.Outcomes["slack"]);
        Assert.Equal(2, _slack.Posted.Count);
        Assert.Equal(0, _slack.Posted.Last().Digest.Counts.Questions); // the seeded week is over
    }

    [Fact]
    public async Task A_post_that_fails_is_logged_with_the_reason_and_sent_at_a_later_tick_once()
    {
        _slack.Answer = attempt => attempt <= 2 ? PostResult.Failed("Slack chat.postMessage: not_in_channel") : PostResult.Sent;
        _time.SetUtcNow(MondayEight.AddHours(1));
        var scheduler = Scheduler();

        var first = await scheduler.TickAsync(CancellationToken.None);

        Assert.Equal(DigestOutcome.Failed, first.Outcomes["slack"]);
        Assert.Equal(DigestOutcome.Sent, first.Outcomes["discord"]);
        var error = Assert.Single(_logs.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Contains("Weekly digest 2026-W21 could not be posted to slack channel C0ADMIN: Slack chat.postMessage: not_in_channel", error.Message, StringComparison.Ordinal);
        Assert.Contains("tried again in 5 minutes", error.Message, StringComparison.Ordinal);
        Assert.False(await _store.WasSentAsync(DigestScheduler.ClaimName("2026-W21", "slack")));

        _time.Advance(DigestScheduler.Tick);
        Assert.Equal(DigestOutcome.Failed, (await scheduler.TickAsync(CancellationToken.None)).Outcomes["slack"]);
        _time.Advance(DigestScheduler.Tick);
        Assert.Equal(DigestOutcome.Sent, (await scheduler.TickAsync(CancellationToken.None)).Outcomes["slack"]);
        _time.Advance(DigestScheduler.Tick);
        await scheduler.TickAsync(CancellationToken.None);

        Assert.Single(_slack.Posted);
        Assert.Single(_discord.Posted);
        Assert.Equal(3, _slack.Attempts);
        Assert.True(await _store.WasSentAsync(DigestScheduler.ClaimName("2026-W21", "slack")));
    }

    [Fact]
    public async Task One_that_keeps_failing_past_the_catch_up_window_is_given_up_with_an_error()
    {
        _slack.Answer = _ => PostResult.Failed("Slack chat.postMessage: channel_not_found");
        _options.CatchUpHours = 1;
        _time.SetUtcNow(MondayEight.AddHours(1));
        var scheduler = Scheduler();

        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(DigestOutcome.Failed, (await scheduler.TickAsync(CancellationToken.None)).Outcomes["slack"]);
            _time.Advance(DigestScheduler.Tick);
        }

        _time.Advance(DigestScheduler.Tick);
        Assert.Equal(DigestOutcome.Missed, (await scheduler.TickAsync(CancellationToken.None)).Outcomes["slack"]);
        Assert.Contains(_logs.GetSnapshot(), r => r.Level == LogLevel.Error && r.Message.Contains("could not be posted within 1 hours", StringComparison.Ordinal) && r.Message.Contains("given up", StringComparison.Ordinal));
        Assert.Empty(_slack.Posted);
        Assert.Single(_discord.Posted);
    }

    [Fact]
    public async Task A_restart_or_a_second_replica_on_the_same_store_does_not_send_it_again()
    {
        _time.SetUtcNow(MondayEight.AddHours(1));
        Assert.Equal(DigestOutcome.Sent, (await Scheduler("replica-a").TickAsync(CancellationToken.None)).Outcomes["slack"]);

        var replica = await Scheduler("replica-b").TickAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(30));
        var restarted = await Scheduler("replica-a-after-restart").TickAsync(CancellationToken.None);

        Assert.Equal(DigestOutcome.AlreadySent, replica.Outcomes["slack"]);
        Assert.Equal(DigestOutcome.AlreadySent, restarted.Outcomes["discord"]);
        Assert.Single(_slack.Posted);
        Assert.Single(_discord.Posted);
    }

    [Fact]
    public async Task While_one_replica_posts_the_other_leaves_it_alone()
    {
        _options.Channels.Remove("discord");
        _time.SetUtcNow(MondayEight.AddHours(1));
        _slack.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posting = Scheduler("replica-a").TickAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => _slack.Attempts == 1, "replica a to be posting");

        var other = await Scheduler("replica-b").TickAsync(CancellationToken.None);
        _slack.Gate.SetResult();

        Assert.Equal(DigestOutcome.Held, other.Outcomes["slack"]);
        Assert.Equal(DigestOutcome.Sent, (await posting).Outcomes["slack"]);
        Assert.Equal(DigestOutcome.AlreadySent, (await Scheduler("replica-b").TickAsync(CancellationToken.None)).Outcomes["slack"]);
        Assert.Single(_slack.Posted);
    }

    [Fact]
    public async Task A_worker_started_late_sends_the_week_s_digest_within_the_catch_up_window()
    {
        _time.SetUtcNow(MondayEight.AddHours(20)); // down at nine, back at four in the morning

        var tick = await Scheduler().TickAsync(CancellationToken.None);

        Assert.Equal(DigestOutcome.Sent, tick.Outcomes["slack"]);
        Assert.Equal(MondayEight.AddHours(20), _slack.Posted.Single().Digest.To);
    }

    [Fact]
    public async Task When_the_store_is_down_the_tick_says_so_and_sends_nothing()
    {
        _time.SetUtcNow(MondayEight.AddHours(1));
        var scheduler = Scheduler(store: new ClaimsDownStore(_store));

        var tick = await scheduler.TickAsync(CancellationToken.None);

        Assert.Equal(DigestOutcome.Failed, tick.Outcomes["slack"]);
        Assert.Empty(_slack.Posted);
        Assert.Contains(_logs.GetSnapshot(), r => r.Level == LogLevel.Error && r.Message.Contains("the store could not be read or written", StringComparison.Ordinal) && r.Exception is IOException);
    }

    [Fact]
    public async Task The_hosted_scheduler_sends_by_itself_as_the_clock_moves_and_only_once()
    {
        _time.SetUtcNow(MondayEight.AddMinutes(50));
        var scheduler = Scheduler();
        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(() =>
            {
                _time.Advance(TimeSpan.FromMinutes(1));
                return !_slack.Posted.IsEmpty;
            }, "the digest at nine", timeoutSeconds: 60);
            Assert.True(_time.GetUtcNow() >= MondayEight.AddHours(1));

            // Two more hours of ticks: still one post.
            var until = _time.GetUtcNow().AddHours(2);
            await Eventually.TrueAsync(() =>
            {
                _time.Advance(TimeSpan.FromMinutes(1));
                return scheduler.LastTick is { } t && t.At >= until;
            }, "two more hours of ticks", timeoutSeconds: 120);
            Assert.Equal(DigestOutcome.AlreadySent, scheduler.LastTick!.Outcomes["slack"]);
            Assert.Single(_slack.Posted);
            Assert.Single(_discord.Posted);
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_channel_on_a_platform_this_worker_does_not_run_stops_the_start_naming_the_key()
    {
        _options.Channels["teams"] = "19:abc";

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => Scheduler().StartAsync(CancellationToken.None));

        Assert.Contains("Advisor:Digest:Channels:teams names a platform this worker does not run (running: discord, slack)", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, null, 9, null, "Advisor:Digest:Enabled is true but no channel is set")]
    [InlineData(false, "C1", 24, null, "Advisor:Digest:Hour must be between 0 and 23")]
    [InlineData(false, "C1", 9, "advisor.example.com", "Advisor:Digest:WebUrl must be the web app's base URL")]
    [InlineData(false, "C1", 9, "https://advisor.example.com/?x=1", "Advisor:Digest:WebUrl must be the web app's base URL")]
    [InlineData(false, " ", 9, null, "Advisor:Digest:Channels:slack is blank")]
    public void Bad_settings_are_refused_with_the_key_named(bool enabled, string? channel, int hour, string? url, string message)
    {
        var options = new DigestOptions { Enabled = enabled, Hour = hour, WebUrl = url };
        if (channel is not null)
        {
            options.Channels["slack"] = channel;
        }

        var result = new DigestOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new DigestOptionsValidator().Validate(null, new DigestOptions()).Succeeded); // the defaults are fine
    }

    private DigestPublisher Publisher(IConversationStore? store = null) => new(
        store ?? _store,
        new FixedKnowledgeStore(TestKnowledge.Snapshot),
        [_slack, _discord],
        Options.Create(_options),
        new FakeLogger<DigestPublisher>(_logs));

    private DigestScheduler Scheduler(string replica = "replica-a", IConversationStore? store = null) => new(
        Publisher(store),
        store ?? _store,
        Options.Create(_options),
        new ReplicaIdentity(replica),
        _time,
        new FakeLogger<DigestScheduler>(_logs));

    /// <summary>
    /// The week before Monday nine: two answers (one 👍, one 👎), three questions about a role the articles lack, one
    /// off-topic question; and one question older than the week, which does not count.
    /// </summary>
    private async Task SeedWeekAsync()
    {
        var section = TestKnowledge.Snapshot.Sections[0].Id;
        var answer = new TurnAnswer { Kind = AnswerKind.Answer, SectionIds = [section], KnowledgeVersion = "v1" };
        async Task<TurnId> Add(string question, TurnAnswer a, DateTimeOffset at) =>
            await _store.AppendTurnAsync(new TurnRecord("slack:T1:C1:" + at.ToUnixTimeSeconds(), "slack", null, question, a, TimeSpan.FromMilliseconds(5)) { At = at });

        var liked = await Add("what do they do all day?", answer, MondayEight.AddDays(-6));
        var disliked = await Add("and what about the tools?", answer, MondayEight.AddDays(-5));
        foreach (var (q, day) in new[] { ("what does a data analyst do?", -4), ("data analyst skills", -3), ("how do I become a data analyst", -2) })
        {
            await Add(q, new TurnAnswer { Kind = AnswerKind.UncoveredRole, Abstained = true, Uncovered = "data analyst", KnowledgeVersion = "v1" }, MondayEight.AddDays(day));
        }

        await Add("best pizza in town?", new TurnAnswer { Kind = AnswerKind.OffTopic, Abstained = true, KnowledgeVersion = "v1" }, MondayEight.AddDays(-1));
        await Add("older than the week", new TurnAnswer { Kind = AnswerKind.OffTopic, Abstained = true, KnowledgeVersion = "v1" }, MondayEight.AddDays(-9));
        Assert.True(await _store.RecordFeedbackAsync(liked, new TurnFeedback(FeedbackRating.Up)));
        Assert.True(await _store.RecordFeedbackAsync(disliked, new TurnFeedback(FeedbackRating.Down, "nothing about tools")));
    }
}
