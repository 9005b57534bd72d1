using System.Text.Json.Nodes;
using Advisor.Core.Conversations;
using Advisor.Storage;
using Advisor.Testing;
using Advisor.Testing.Slack;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Host.Tests;

/// <summary>A conversation survives a restart of the worker: the turn pipeline reads the durable store, not process memory.</summary>
public sealed class RestartTests
{
    private const string Thread = "1700600000.000100";

    [Fact]
    public async Task A_slack_thread_answered_before_a_restart_takes_a_follow_up_without_a_mention_after_it_and_keeps_its_subject()
    {
        var data = Paths.NewDataFolder();
        using var knowledge = Paths.CopyKnowledge();
        await using var slack = await SlackEmulator.StartAsync();
        var settings = EmulatorSettings.For(slack, null);
        settings["Advisor:Data:Folder"] = data;
        settings["Advisor:Reload:WatchFiles"] = "false";
        try
        {
            // The first worker answers a mention in a channel, in the thread it starts.
            JsonObject first;
            await using (var worker = await TestWorker.StartAsync(knowledge.Folder, settings))
            {
                Assert.IsType<SqliteConversationStore>(worker.App.Services.GetRequiredService<IConversationStore>());
                await Eventually.TrueAsync(() => slack.OpenConnections == 1, "the first worker's Socket Mode connection", TwoPlatformWorker.Deadline);
                await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need?", Thread, "EvBefore"));
                await Eventually.TrueAsync(() => RepliesIn(slack).Count == 1, "the answer before the restart", TwoPlatformWorker.Deadline);
                first = RepliesIn(slack)[0];
            }

            await Eventually.TrueAsync(() => slack.Lifecycle.Contains("close 1"), "the first worker's connection closed", TwoPlatformWorker.Deadline);

            // A new worker on the same data folder: nothing in its memory, everything in the store.
            await using (var restarted = await TestWorker.StartAsync(knowledge.Folder, settings))
            {
                await Eventually.TrueAsync(() => slack.Lifecycle.Contains("open 2") && slack.OpenConnections == 1, "the new worker's connection", TwoPlatformWorker.Deadline);
                await slack.SendEventAsync(SlackEmulator.Message("and their education?", "1700600120.000100", "EvAfter", threadTs: Thread));
                await Eventually.TrueAsync(() => RepliesIn(slack).Count == 2, "the follow-up's answer after the restart", TwoPlatformWorker.Deadline);
                var followUp = RepliesIn(slack)[1];

                var before = TwoPlatformWorker.SlackCitations(first);
                var after = TwoPlatformWorker.SlackCitations(followUp);
                Assert.Contains(before, c => c.Contains("› AI Architect", StringComparison.Ordinal));
                Assert.NotEmpty(after);
                Assert.All(after, c => Assert.Contains("AI Architect", c, StringComparison.Ordinal));
                Assert.Contains(after, c => c.Contains("Educ", StringComparison.OrdinalIgnoreCase));

                // The turn is kept once the post is answered, just after the emulator saw it: wait for it.
                var store = restarted.App.Services.GetRequiredService<IConversationStore>();
                var key = $"slack:{SlackEmulator.TeamId}:C111:{Thread}";
                await Eventually.TrueAsync(async () => (await store.RecentTurnsAsync(key)).Count == 2, "the follow-up's turn kept", TwoPlatformWorker.Deadline);
                var turns = await store.RecentTurnsAsync(key);
                Assert.Equal(["What skills does an AI Architect need?", "and their education?"], turns.Select(t => t.Question));
                Assert.Equal(["AI Architect"], turns[1].Answer.Roles);
            }
        }
        finally
        {
            Paths.DeleteDataFolder(data);
        }
    }

    private static IReadOnlyList<JsonObject> RepliesIn(SlackEmulator slack) =>
        slack.Posts.Where(p => (string?)p.Body["thread_ts"] == Thread).Select(p => p.Body).ToList();
}
