using System.Text.Json.Nodes;
using Advisor.Core.Insights;
using Advisor.Core.Outbound;
using Advisor.Testing.Slack;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Slack.Tests;

/// <summary>
/// What the Slack adapter sends on the core's behalf, through its registered senders against the emulator (which
/// checks every message's Block Kit): the weekly digest into the admin channel, and a reload notice into a thread or
/// a direct message — never into a channel's /ask conversation.
/// </summary>
public sealed class SlackOutboundTests
{
    private static readonly DateTimeOffset Monday = new(2026, 5, 18, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_digest_is_one_Block_Kit_message_in_the_admin_channel_with_the_counts_the_gaps_and_the_link()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);
        var sender = app.Services.GetServices<IDigestSender>().Single(s => s.Platform == "slack");

        var result = await sender.PostAsync("C0ADMIN", Digest(gaps: 3), CancellationToken.None);

        Assert.Equal(PostResult.Sent, result);
        var post = Assert.Single(slack.Posts).Body;
        Assert.Equal("C0ADMIN", (string?)post["channel"]);
        Assert.Null(post["thread_ts"]);
        Assert.Equal("digest:2026-W21", (string?)post["metadata"]!["event_payload"]!["reply_id"]);
        var blocks = (JsonArray)post["blocks"]!;
        Assert.Equal("header", (string?)blocks[0]!["type"]);
        var fields = ((JsonArray)blocks.Single(b => b!["fields"] is not null)!["fields"]!).Select(f => (string?)f!["text"]).ToList();
        Assert.Equal(["*Questions*\n42", "*Answered from the knowledge*\n30", "*Refused (not covered)*\n9", "*👍*\n5", "*👎*\n2"], fields);
        var text = string.Join("\n", blocks.Select(b => (string?)b!["text"]?["text"]));
        Assert.Contains("*Top knowledge gaps* (3 of 7 groups)", text, StringComparison.Ordinal);
        Assert.Contains("*1.* 4 questions — a role the articles don't cover: data analyst (1 thumbs-down)", text, StringComparison.Ordinal);
        Assert.Contains("<https://advisor.example.com/insights?days=7#gaps|Open the gap report>", text, StringComparison.Ordinal);

        // What users typed cannot ping the channel or pose as a link.
        Assert.DoesNotContain("<!channel>", post.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("\n> &lt;\u200B!channel&gt; ping &lt;https://evil.example|click&gt;", text, StringComparison.Ordinal);
        Assert.StartsWith("Advisor weekly digest: ", (string?)post["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_longest_digest_stays_within_Slack_s_limits()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);
        var sender = app.Services.GetServices<IDigestSender>().Single(s => s.Platform == "slack");

        var result = await sender.PostAsync("C0ADMIN", Digest(gaps: 20, exampleLength: 3000, link: false), CancellationToken.None);

        Assert.Equal(PostResult.Sent, result); // the emulator refuses invalid_blocks
        var post = Assert.Single(slack.Posts).Body;
        Assert.Equal(20 + 6, ((JsonArray)post["blocks"]!).Count);
        Assert.Contains("advisor gaps --since 7d", post.ToJsonString(), StringComparison.Ordinal);

        Assert.Equal(PostResult.Sent, await sender.PostAsync("C0ADMIN", Digest(gaps: 0), CancellationToken.None)); // and the shortest
    }

    [Fact]
    public async Task A_refused_digest_comes_back_with_Slack_s_reason()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);
        slack.Refuse("chat.postMessage", "not_in_channel");

        var result = await app.Services.GetServices<IDigestSender>().Single(s => s.Platform == "slack").PostAsync("C0ADMIN", Digest(gaps: 1), CancellationToken.None);

        Assert.Equal(PostStatus.NotDelivered, result.Status);
        Assert.Equal("Slack chat.postMessage: not_in_channel", result.Problem);
        Assert.Empty(slack.Messages);
    }

    [Fact]
    public async Task A_reload_notice_goes_into_the_thread_or_the_direct_message_and_never_into_a_channel_s_ask()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);
        var sender = app.Services.GetServices<IReloadNoticeSender>().Single(s => s.Platform == "slack");

        var thread = await sender.SendAsync(Notice("slack:T111:C111:1700000100.000200"), CancellationToken.None);
        var dm = await sender.SendAsync(Notice("slack:T111:D0DIRECT"), CancellationToken.None);
        var ask = await sender.SendAsync(Notice("slack:T111:C111:ask:0123abcd"), CancellationToken.None);

        Assert.Equal(PostResult.Sent, thread);
        Assert.Equal(PostResult.Sent, dm);
        Assert.Equal(PostStatus.NoPlace, ask.Status);
        Assert.Equal(2, slack.Posts.Count);
        var inThread = slack.Posts[0].Body;
        Assert.Equal("C111", (string?)inThread["channel"]);
        Assert.Equal("1700000100.000200", (string?)inThread["thread_ts"]);
        Assert.Equal(ReloadNotice.DefaultText, (string?)inThread["text"]);
        Assert.Equal("Updated: A vs. B › Skills › A", (string?)inThread["blocks"]![1]!["elements"]![0]!["text"]);
        Assert.StartsWith("reload:rn", (string?)inThread["metadata"]!["event_payload"]!["reply_id"], StringComparison.Ordinal);
        Assert.Equal("D0DIRECT", (string?)slack.Posts[1].Body["channel"]);
        Assert.Null(slack.Posts[1].Body["thread_ts"]);
    }

    private static ReloadNotice Notice(string key) =>
        new(key, ReloadNotice.DefaultText, ["A vs. B › Skills › A"], "v2", ReloadNotice.IdOf("v2", key));

    private static WeeklyDigest Digest(int gaps, int exampleLength = 40, bool link = true)
    {
        var list = Enumerable.Range(1, gaps).Select(i => new Gap(
            i == 1 ? "uncovered-role" : "unanswered",
            i == 1 ? "data analyst" : "topic " + i,
            i == 1 ? 4 : 1,
            i == 1 ? 1 : 0,
            i == 1 ? ["<!channel> ping <https://evil.example|click>", new string('x', exampleLength)] : [new string('q', exampleLength), new string('r', exampleLength), new string('s', exampleLength)],
            [],
            "A vs. B › Skills › A")).ToList();
        return new WeeklyDigest
        {
            Id = "2026-W21",
            Week = "2026-W21",
            From = Monday.AddDays(-7),
            To = Monday,
            Counts = new QuestionCounts(42, 30, 9, 5, 2, 2),
            TopGaps = list,
            GapGroups = 7,
            GapReportLink = link ? WeeklyDigest.LinkTo(new Uri("https://advisor.example.com")) : null,
        };
    }
}
