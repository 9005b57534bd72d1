using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Advisor.Core.Conversations;
using Advisor.Core.Knowledge;
using Advisor.Core.Outbound;
using Advisor.Slack;
using Advisor.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Host.Tests;

/// <summary>
/// What the worker sends on its own, end to end on Slack (Socket Mode) and Discord (gateway + REST) against their
/// emulators: the notice after a reload, in the threads whose last answer cited a changed section and nowhere else;
/// and the weekly digest in the admin channels with the week's counts — once, across a restart.
/// </summary>
public sealed class OutboundEndToEndTests
{
    private const string AdminSlack = "C0ADMIN";
    private const string AdminDiscord = "444000000000000900";
    private const string ThreadA = "666000000000000001";
    private const string ThreadB = "666000000000000002";
    private const string Channel = "222000000000000009";

    // Two questions about different things: the first one's sections change, the second one's do not.
    private const string QuestionA = "What skills does an AI Architect need?";
    private const string QuestionB = "What does an AI Scientist do?";

    private static long _messageId = 5_100_000_000_000_000;

    [Fact]
    public async Task After_a_reload_the_threads_whose_last_answer_cited_a_changed_section_are_told_and_no_others()
    {
        await using var e2e = await TwoPlatformWorker.StartAsync(new Dictionary<string, string?>
        {
            ["Advisor:Reload:WatchFiles"] = "false",
            ["Advisor:ReloadNotices:Enabled"] = "true",
        });
        var store = e2e.Worker.App.Services.GetRequiredService<IConversationStore>();

        var slackA = await e2e.AskSlackAsync(QuestionA, "U100");
        var slackB = await e2e.AskSlackAsync(QuestionB, "U101");
        var discordA = await AskDiscordAsync(e2e, QuestionA, ThreadA, channelType: 11);
        var discordB = await AskDiscordAsync(e2e, QuestionB, ThreadB, channelType: 11);
        await AskDiscordAsync(e2e, QuestionA, Channel, channelType: 0); // an ordinary channel: the asker's own conversation, no thread
        var citedA = await CitedAsync(store, $"slack:{Testing.Slack.SlackEmulator.TeamId}:C111:{slackA}");
        var citedB = await CitedAsync(store, $"slack:{Testing.Slack.SlackEmulator.TeamId}:C111:{slackB}");
        Assert.Equal(citedA, await CitedAsync(store, "discord:" + ThreadA));
        Assert.Equal(citedB, await CitedAsync(store, "discord:" + ThreadB));
        await Eventually.TrueAsync(async () => (await store.ReadLogAsync(QuestionLogQuery.All)).Count == 5, "the five turns kept", TwoPlatformWorker.Deadline);

        var changed = ChangeOneSection(e2e, citedA.Except(citedB).ToList());
        using var response = await e2e.AdminReloadAsync();
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var changedIds = report.RootElement.GetProperty("sectionsChanged").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(changed.Id, changedIds);
        Assert.Empty(changedIds.Intersect(citedB));
        var notices = e2e.Worker.App.Services.GetRequiredService<ReloadNotices>();
        await Eventually.TrueAsync(() => notices.LastSummary is { } s && s.Version == report.RootElement.GetProperty("version").GetString(), "the reload's notices", TwoPlatformWorker.Deadline);

        // Slack: a reply in thread A, after its answer; thread B has only its answer.
        var inA = e2e.SlackRepliesTo(slackA);
        Assert.Equal(2, inA.Count);
        Assert.Equal(ReloadNotice.DefaultText, (string?)inA[1]["text"]);
        Assert.Contains(changed.Label, TwoPlatformWorker.SlackText(inA[1]), StringComparison.Ordinal);
        Assert.Single(e2e.SlackRepliesTo(slackB));

        // Discord: a message in thread A; none in thread B or the ordinary channel.
        var threadA = e2e.Discord.MessagesIn(ThreadA);
        Assert.Equal(2, threadA.Count);
        Assert.StartsWith(ReloadNotice.DefaultText, (string?)threadA[1]["content"], StringComparison.Ordinal);
        Assert.Single(e2e.Discord.MessagesIn(ThreadB));
        Assert.Single(e2e.Discord.MessagesIn(Channel));
        Assert.Equal(discordB, (string?)e2e.Discord.MessagesIn(ThreadB)[0]["message_reference"]?["message_id"]);
        Assert.Equal(discordA, (string?)threadA[0]["message_reference"]?["message_id"]);
        Assert.Equal(new ReloadNoticeSummary(notices.LastSummary!.Version, Matched: 3, Sent: 2, NoPlace: 1, NoSender: 0, AlreadyTold: 0, NotDelivered: 0, OverLimit: 0), notices.LastSummary);
        Assert.Empty(e2e.Discord.Violations);

        // The same reload again changes nothing and tells nobody twice.
        using var again = await e2e.AdminReloadAsync();
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(2, e2e.SlackRepliesTo(slackA).Count);
        Assert.Equal(2, e2e.Discord.MessagesIn(ThreadA).Count);
    }

    [Fact]
    public async Task The_weekly_digest_reaches_both_admin_channels_with_the_week_s_counts_and_once_across_a_restart()
    {
        var data = Paths.NewDataFolder();
        try
        {
            // A week of use (without the digest): two answers, one 👍 on Slack and one 👎 on Discord, two questions about a role the articles lack.
            await using (var first = await TwoPlatformWorker.StartAsync(new Dictionary<string, string?> { ["Advisor:Data:Folder"] = data }))
            {
                var store = first.Worker.App.Services.GetRequiredService<IConversationStore>();
                var ts = await first.AskSlackAsync(QuestionA, "U100");
                await first.SlackAnswerAsync(ts);
                var liked = await LoggedAsync(store, e => e.Question == QuestionA);
                var answer = first.Slack.Find("C111", first.Slack.Messages.Single(m => m.ThreadTs == ts).Ts)!;
                await first.Slack.SendInteractiveAsync(first.Slack.BlockActions(answer, SlackRenderer.FeedbackActionId, "up:" + liked.Id));

                var id = await first.AskDiscordAsync(QuestionB, "444000000000000100", Channel);
                await first.DiscordAnswerAsync(id);
                await LoggedAsync(store, e => e.Question == QuestionB);
                var discordAnswer = first.Discord.MessagesIn(Channel).Single();
                var down = ((JsonArray)discordAnswer["components"]!).SelectMany(r => (JsonArray)r!["components"]!).Select(b => (string)b!["custom_id"]!).Single(c => c.StartsWith("fb:down:", StringComparison.Ordinal));
                await first.Gateway.DispatchInteractionAsync(first.Discord.ComponentInteraction(discordAnswer, down));

                await first.SlackAnswerAsync(await first.AskSlackAsync("what does a data analyst do?", "U102"));
                await first.DiscordAnswerAsync(await first.AskDiscordAsync("what skills does a data analyst need?", "444000000000000101", Channel));
                await LoggedAsync(store, e => e.Feedback?.Rating == Core.Conversations.FeedbackRating.Up);
                await LoggedAsync(store, e => e.Feedback?.Rating == Core.Conversations.FeedbackRating.Down);
                await Eventually.TrueAsync(async () => (await store.ReadLogAsync(QuestionLogQuery.All)).Count == 4, "the four turns kept", TwoPlatformWorker.Deadline);
            }

            // Its time has come (this hour of today): the next start sends it to both admin channels.
            var now = DateTimeOffset.UtcNow;
            var digest = new Dictionary<string, string?>
            {
                ["Advisor:Data:Folder"] = data,
                ["Advisor:Digest:Enabled"] = "true",
                ["Advisor:Digest:Channels:slack"] = AdminSlack,
                ["Advisor:Digest:Channels:discord"] = AdminDiscord,
                ["Advisor:Digest:Day"] = now.DayOfWeek.ToString(),
                ["Advisor:Digest:Hour"] = now.Hour.ToString(CultureInfo.InvariantCulture),
                ["Advisor:Digest:WebUrl"] = "https://advisor.example.com",
            };
            await using (var second = await TwoPlatformWorker.StartAsync(digest))
            {
                await Eventually.TrueAsync(() => second.Slack.Posts.Any(p => (string?)p.Body["channel"] == AdminSlack) && second.Discord.MessagesIn(AdminDiscord).Count == 1,
                    "the digest in both admin channels", TwoPlatformWorker.Deadline);

                var slack = second.Slack.Posts.Single(p => (string?)p.Body["channel"] == AdminSlack).Body;
                var fields = ((JsonArray)((JsonArray)slack["blocks"]!).Single(b => b!["fields"] is not null)!["fields"]!).Select(f => (string?)f!["text"]).ToList();
                Assert.Equal(["*Questions*\n4", "*Answered from the knowledge*\n2", "*Refused (not covered)*\n2", "*👍*\n1", "*👎*\n1"], fields);
                var slackText = TwoPlatformWorker.SlackText(slack);
                Assert.Contains("2 questions — a role the articles don't cover: data analyst", slackText, StringComparison.Ordinal);
                Assert.Contains("https://advisor.example.com/insights?days=7#gaps", slackText, StringComparison.Ordinal);

                var embed = ((JsonArray)second.Discord.MessagesIn(AdminDiscord)[0]["embeds"]!)[0]!;
                Assert.Contains("**4** questions · **2** answered from the knowledge · **2** refused · 👍 **1** · 👎 **1**", (string?)embed["description"], StringComparison.Ordinal);
                Assert.Contains("data analyst", TwoPlatformWorker.DiscordText(embed), StringComparison.Ordinal);
                Assert.Empty(second.Discord.Violations);
            }

            // A restart in the same week: the scheduler looks, finds it sent, and sends nothing.
            await using var third = await TwoPlatformWorker.StartAsync(digest);
            var scheduler = third.Worker.App.Services.GetRequiredService<DigestScheduler>();
            await Eventually.TrueAsync(() => scheduler.LastTick is not null, "the restarted scheduler's first look", TwoPlatformWorker.Deadline);
            Assert.Equal(DigestOutcome.AlreadySent, scheduler.LastTick!.Outcomes["slack"]);
            Assert.Equal(DigestOutcome.AlreadySent, scheduler.LastTick.Outcomes["discord"]);
            Assert.DoesNotContain(third.Slack.Calls, c => c.Method == "chat.postMessage" && (string?)c.Body["channel"] == AdminSlack);
            Assert.Empty(third.Discord.MessagesIn(AdminDiscord));
        }
        finally
        {
            Paths.DeleteDataFolder(data);
        }
    }

    /// <summary>Mentions the bot in a Discord channel of the given type (11: a public thread); returns the message id.</summary>
    private static async Task<string> AskDiscordAsync(TwoPlatformWorker e2e, string question, string channel, int channelType)
    {
        var id = Interlocked.Increment(ref _messageId).ToString(CultureInfo.InvariantCulture);
        await e2e.Gateway.DispatchNextAsync("MESSAGE_CREATE", Testing.Discord.DiscordEmulator.MessageCreate(
            id, channel, TwoPlatformWorker.GuildId, "444000000000000555", question, EmulatorSettings.DiscordBotUserId, channelType));
        await e2e.DiscordAnswerAsync(id);
        return id;
    }

    /// <summary>The sections the conversation's kept turn cited, once it is kept.</summary>
    private static async Task<IReadOnlyList<string>> CitedAsync(IConversationStore store, string conversation)
    {
        IReadOnlyList<StoredTurn> turns = [];
        await Eventually.TrueAsync(async () => (turns = await store.RecentTurnsAsync(conversation)).Count == 1, "the turn of " + conversation, TwoPlatformWorker.Deadline);
        Assert.NotEmpty(turns[0].Answer.SectionIds);
        return turns[0].Answer.SectionIds;
    }

    private static async Task<QuestionLogEntry> LoggedAsync(IConversationStore store, Func<QuestionLogEntry, bool> condition)
    {
        QuestionLogEntry? found = null;
        await Eventually.TrueAsync(async () => (found = (await store.ReadLogAsync(QuestionLogQuery.All)).FirstOrDefault(condition)) is not null, "a question log entry", TwoPlatformWorker.Deadline);
        return found!;
    }

    /// <summary>
    /// Rewrites one line of one of <paramref name="candidates"/> in the worker's copy of its article (a line found once in
    /// the file, so nothing else changes); returns that section as it was.
    /// </summary>
    private static KnowledgeSection ChangeOneSection(TwoPlatformWorker e2e, IReadOnlyList<string> candidates)
    {
        var snapshot = e2e.Worker.Store.Current;
        foreach (var id in candidates)
        {
            var section = snapshot.SectionsById[id];
            var path = e2e.Knowledge.FileOf(section.File);
            var text = File.ReadAllText(path);
            var unit = section.Units.FirstOrDefault(u => u.Length > 20 && text.Split(u).Length == 2);
            if (unit is not null)
            {
                File.WriteAllText(path, text.Replace(unit, unit.TrimEnd('.') + ", and more since the last edit.", StringComparison.Ordinal));
                return section;
            }
        }

        throw new InvalidOperationException("none of the cited sections has a line found once in its file: " + string.Join(", ", candidates));
    }
}
