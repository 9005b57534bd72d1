using System.Text.Json.Nodes;
using Advisor.Core.Insights;
using Advisor.Core.Outbound;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Discord.Tests;

/// <summary>
/// What the Discord adapter sends on the core's behalf, through its registered senders against the emulator: the
/// weekly digest as one embed in the admin channel, and a reload notice in a thread or direct message — never in an
/// ordinary channel, where each asker's conversation has no thread. Nothing may ping anyone.
/// </summary>
public sealed class DiscordOutboundTests
{
    private const string AdminChannel = "444000000000000001";
    private static readonly DateTimeOffset Monday = new(2026, 5, 18, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_digest_is_one_embed_in_the_admin_channel_with_the_counts_the_gaps_and_the_link_and_pings_nobody()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var harness = new AdapterHarness(emulator);
        var sender = harness.Services.GetServices<IDigestSender>().Single(s => s.Platform == "discord");

        var result = await sender.PostAsync(AdminChannel, Digest(gaps: 3), CancellationToken.None);

        Assert.Equal(PostResult.Sent, result);
        var message = Assert.Single(emulator.MessagesIn(AdminChannel));
        var embed = Assert.Single((JsonArray)message["embeds"]!)!;
        Assert.StartsWith("Advisor weekly digest: 11 May 2026 09:00", (string?)embed["title"], StringComparison.Ordinal);
        Assert.Contains("**42** questions · **30** answered from the knowledge · **9** refused · 👍 **5** · 👎 **2**", (string?)embed["description"], StringComparison.Ordinal);
        Assert.Contains("**Top knowledge gaps** (3 of 7 groups):", (string?)embed["description"], StringComparison.Ordinal);
        var fields = ((JsonArray)embed["fields"]!).Select(f => ((string?)f!["name"], (string?)f["value"])).ToList();
        Assert.Equal("1. 4 questions", fields[0].Item1);
        Assert.StartsWith("a role the articles don't cover: data analyst (1 thumbs-down)", fields[0].Item2, StringComparison.Ordinal);
        Assert.Contains("@\u200Beveryone", fields[0].Item2, StringComparison.Ordinal);
        Assert.Equal(("Gap report", "[Open the gap report](https://advisor.example.com/insights?days=7#gaps) on the Insights page"), fields[^1]);
        var sent = emulator.Requests.Single(r => r.Method == "POST" && r.Path.EndsWith($"/channels/{AdminChannel}/messages", StringComparison.Ordinal)).Body!;
        Assert.Empty((JsonArray)sent["allowed_mentions"]!["parse"]!);
        Assert.True((bool?)sent["enforce_nonce"]);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task The_longest_digest_stays_one_message_within_the_embed_limits()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var harness = new AdapterHarness(emulator);
        var sender = harness.Services.GetServices<IDigestSender>().Single(s => s.Platform == "discord");

        Assert.Equal(PostResult.Sent, await sender.PostAsync(AdminChannel, Digest(gaps: 20, exampleLength: 900), CancellationToken.None));

        var embed = Assert.Single((JsonArray)Assert.Single(emulator.MessagesIn(AdminChannel))["embeds"]!)!;
        var fields = (JsonArray)embed["fields"]!;
        Assert.True(fields.Count <= 25);
        var total = ((string?)embed["title"])!.Length + ((string?)embed["description"])!.Length
            + fields.Sum(f => ((string?)f!["name"])!.Length + ((string?)f["value"])!.Length);
        Assert.True(total <= 6000, $"{total} characters");
        Assert.All(fields, f => Assert.True(((string?)f!["value"])!.Length <= 1024));
        Assert.Contains(fields, f => ((string?)f!["value"])!.EndsWith("more groups in the gap report", StringComparison.Ordinal));
        Assert.Equal("Gap report", (string?)fields[^1]!["name"]);

        Assert.Equal(PostResult.Sent, await sender.PostAsync(AdminChannel, Digest(gaps: 0) with { Id = "2026-W22" }, CancellationToken.None)); // and the shortest
        Assert.Equal(2, emulator.MessagesIn(AdminChannel).Count);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task A_digest_sent_twice_is_kept_once_and_a_refused_one_says_so()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var harness = new AdapterHarness(emulator);
        var sender = harness.Services.GetServices<IDigestSender>().Single(s => s.Platform == "discord");

        await sender.PostAsync(AdminChannel, Digest(gaps: 1), CancellationToken.None);
        await sender.PostAsync(AdminChannel, Digest(gaps: 1), CancellationToken.None); // the same digest again: the same nonce
        Assert.Single(emulator.MessagesIn(AdminChannel));

        emulator.FailNext("/api/v10/channels/555000000000000001/messages", 403, method: "POST");
        var refused = await sender.PostAsync("555000000000000001", Digest(gaps: 1), CancellationToken.None);
        Assert.Equal(PostStatus.NotDelivered, refused.Status);
        Assert.Empty(emulator.MessagesIn("555000000000000001"));
    }

    [Fact]
    public async Task A_reload_notice_goes_into_the_thread_or_direct_message_and_not_into_an_ordinary_channel()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var harness = new AdapterHarness(emulator);
        var sender = harness.Services.GetServices<IReloadNoticeSender>().Single(s => s.Platform == "discord");

        var thread = await sender.SendAsync(Notice("discord:666000000000000001"), CancellationToken.None);
        var channel = await sender.SendAsync(Notice("discord:222000000000000001:0123abcd"), CancellationToken.None);

        Assert.Equal(PostResult.Sent, thread);
        Assert.Equal(PostStatus.NoPlace, channel.Status);
        var message = Assert.Single(emulator.MessagesIn("666000000000000001"));
        Assert.Equal("The section this answer used was updated; ask again for the new version.\n-# Updated: A vs. B › Skills › A", (string?)message["content"]);
        Assert.Empty(emulator.MessagesIn("222000000000000001"));
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    private static ReloadNotice Notice(string key) =>
        new(key, ReloadNotice.DefaultText, ["A vs. B › Skills › A"], "v2", ReloadNotice.IdOf("v2", key));

    private static WeeklyDigest Digest(int gaps, int exampleLength = 40) => new()
    {
        Id = "2026-W21",
        Week = "2026-W21",
        From = Monday.AddDays(-7),
        To = Monday,
        Counts = new QuestionCounts(42, 30, 9, 5, 2, 2),
        TopGaps = Enumerable.Range(1, gaps).Select(i => new Gap(
            i == 1 ? "uncovered-role" : "unanswered",
            i == 1 ? "data analyst" : "topic " + i,
            i == 1 ? 4 : 1,
            i == 1 ? 1 : 0,
            i == 1 ? ["@everyone what does a data analyst do <@123>", new string('x', exampleLength)] : [new string('q', exampleLength), new string('r', exampleLength)],
            [],
            "A vs. B › Skills › A")).ToList(),
        GapGroups = 7,
        GapReportLink = WeeklyDigest.LinkTo(new Uri("https://advisor.example.com")),
    };
}
