using System.Globalization;
using System.Text.Json.Nodes;
using Advisor.Discord.Gateway;
using Advisor.Discord.Sharding;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Advisor.Discord.Tests;

/// <summary>
/// Shards split across replicas (issue 14): several adapters in one process share one lease store, one fake clock and
/// the emulator in automatic gateway mode (<see cref="ShardReplicas"/>). Every timing below is on the fake clock, which
/// moves only once the replicas have done what was due, so the checks are exact and do not depend on the machine's speed.
/// </summary>
public sealed class ShardingTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(ShardReplicas.LeaseSeconds);
    private static readonly TimeSpan Claim = TimeSpan.FromSeconds(ShardReplicas.ClaimSeconds);

    private static int _messageId = 70_000;

    /// <summary>A guild message mentioning the bot, on the shard its guild maps to; returns its id.</summary>
    private static async Task<string> AskOnShardAsync(DiscordEmulator emulator, int shard, int total, string question)
    {
        var (id, message) = Mention(shard, total, question);
        Assert.True(await emulator.DispatchToShardAsync(shard, "MESSAGE_CREATE", message), $"no session of shard {shard} takes events");
        return id;
    }

    /// <summary>A new guild message mentioning the bot, in a guild on <paramref name="shard"/>: its id and its MESSAGE_CREATE.</summary>
    private static (string Id, JsonObject Message) Mention(int shard, int total, string question)
    {
        var id = "9" + Interlocked.Increment(ref _messageId).ToString("D17", CultureInfo.InvariantCulture);
        var guild = DiscordEmulator.GuildOnShard(shard, total);
        Assert.Equal(shard, DiscordEmulator.ShardOf(guild, total));
        return (id, DiscordEmulator.MessageCreate(id, "55" + id[2..], guild, "66" + id[2..], question, EmulatorSettings.DiscordBotUserId));
    }

    /// <summary>Waits (real time) for an answer to each message, then checks there is exactly one.</summary>
    private static async Task AnsweredOnceAsync(DiscordEmulator emulator, params string[] ids)
    {
        foreach (var id in ids)
        {
            await Eventually.TrueAsync(() => emulator.Requests.Any(r => DiscordEmulator.IsReplyTo(r, id)), "the answer to " + id);
        }

        foreach (var id in ids)
        {
            Assert.Single(emulator.Requests, r => DiscordEmulator.IsReplyTo(r, id));
        }
    }

    /// <summary>A direct message (no guild): Discord sends it to shard 0 only.</summary>
    private static async Task<string> DirectMessageAsync(DiscordEmulator emulator, string question)
    {
        var id = "8" + Interlocked.Increment(ref _messageId).ToString("D17", CultureInfo.InvariantCulture);
        var message = DiscordEmulator.MessageCreate(id, "44" + id[2..], "1", "66" + id[2..], question, null);
        message.Remove("guild_id");
        message["channel_type"] = 1;
        Assert.True(await emulator.DispatchToShardAsync(0, "MESSAGE_CREATE", message), "no single open connection holds shard 0");
        return id;
    }

    /// <summary>Asks one question on every shard (and a DM on shard 0) and checks each is answered exactly once.</summary>
    private static async Task EveryShardAnswersOnceAsync(DiscordEmulator emulator, int total)
    {
        var asked = new List<string>();
        for (var shard = 0; shard < total; shard++)
        {
            asked.Add(await AskOnShardAsync(emulator, shard, total, "What skills does an AI Architect need?"));
        }

        asked.Add(await DirectMessageAsync(emulator, "What does an AI Scientist do?"));
        foreach (var id in asked)
        {
            await Eventually.TrueAsync(() => emulator.Requests.Any(r => DiscordEmulator.IsReplyTo(r, id)), "the answer to " + id);
        }

        foreach (var id in asked)
        {
            Assert.Single(emulator.Requests, r => DiscordEmulator.IsReplyTo(r, id));
        }
    }

    /// <summary>In each identify bucket (shard % max_concurrency), consecutive IDENTIFYs are at least 5 s apart.</summary>
    private static void IdentifiesKeepToTheirBuckets(DiscordEmulator emulator)
    {
        foreach (var bucket in emulator.Identifies.GroupBy(i => i.Shard % emulator.MaxConcurrency))
        {
            var times = bucket.Select(i => i.At).Order().ToList();
            for (var i = 1; i < times.Count; i++)
            {
                Assert.True(times[i] - times[i - 1] >= TimeSpan.FromSeconds(5), $"bucket {bucket.Key}: identifies {(times[i] - times[i - 1]).TotalSeconds:0.###} s apart");
            }
        }
    }

    [Fact]
    public async Task One_process_alone_runs_every_recommended_shard_paced_by_max_concurrency_and_answers_on_each()
    {
        await using var set = await ShardReplicas.StartAsync(recommendedShards: 3, maxConcurrency: 1);

        // Claiming every second, so the shards are claimed faster than they may identify: the pacing is the identify bucket's.
        var solo = await set.AddAsync("solo", new() { ["Advisor:Discord:ShardClaimSeconds"] = "1" });

        await set.RunUntilAsync(() => set.AllHeldOnceAndConnected(3, [solo]), "all three shards connected");

        Assert.Equal([0, 1, 2], solo.Shards.Held);
        Assert.Equal(3, solo.Shards.Total);
        var identifies = set.Emulator.Identifies.ToList();
        Assert.Equal([0, 1, 2], identifies.Select(i => i.Shard).Order());
        Assert.All(identifies, i => Assert.Equal(3, i.Total));

        // max_concurrency 1: one bucket, so the three identifies are 5 s (and the slack) apart, never together.
        var times = identifies.Select(i => i.At).Order().ToList();
        Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(5) && times[2] - times[1] >= TimeSpan.FromSeconds(5), string.Join(", ", times));
        Assert.True(solo.Status.Connected);
        Assert.Equal("connected: shards 0, 1, 2 of 3", solo.Status.State);

        await EveryShardAnswersOnceAsync(set.Emulator, 3);
        EmulatorAssert.NoViolations(set.Emulator.Violations);
    }

    [Fact]
    public async Task With_nothing_configured_the_default_services_run_every_recommended_shard_on_the_real_clock()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        emulator.AutoGateway = true;
        emulator.RecommendedShards = 2;
        emulator.MaxConcurrency = 2; // two buckets: both identify at once, no 5 s wait on the real clock
        await using var adapter = new AdapterHarness(emulator);
        adapter.StartGateway();

        await Eventually.TrueAsync(() => adapter.Status.Connected && adapter.Status.Shards.Count == 2, "both shards connected");
        Assert.Equal("connected: shards 0, 1 of 2", adapter.Status.State);
        Assert.Equal([0, 1], emulator.Identifies.Select(i => i.Shard).Order());
        await EveryShardAnswersOnceAsync(emulator, 2);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task A_fixed_total_without_pinned_shards_in_one_process_runs_them_all_and_warns_about_the_old_meaning()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        emulator.AutoGateway = true;
        emulator.MaxConcurrency = 2;
        await using var adapter = new AdapterHarness(emulator, new() { ["Advisor:Discord:ShardCount"] = "2" });
        adapter.StartGateway();

        await Eventually.TrueAsync(() => adapter.Status.Connected && adapter.Status.Shards.Count == 2, "both shards connected");
        Assert.All(emulator.Identifies, i => Assert.Equal(2, i.Total)); // the configured total (the emulator recommends 1)
        Assert.Contains(adapter.Logs.GetSnapshot(), l => l.Level == LogLevel.Warning && l.Message.Contains("ShardId=0 too", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replicas_spread_the_shards_each_held_once_and_identifies_keep_to_their_bucket_across_replicas()
    {
        await using var set = await ShardReplicas.StartAsync(recommendedShards: 4, maxConcurrency: 2);
        await set.AddAsync("a");
        await set.AddAsync("b");
        await set.AddAsync("c");

        await set.RunUntilAsync(() => set.AllHeldOnceAndConnected(4, set.All), "all four shards held once and connected");

        // Spread: nobody holds more than ceil(4 / 3) = 2.
        Assert.All(set.All, r => Assert.True(r.Shards.Held.Count <= 2, $"{r.Name} holds {r.Shards.Held.Count}: {set.Layout()}"));
        foreach (var shard in Enumerable.Range(0, 4))
        {
            var owner = await set.Store.GetOwnerAsync(LeaseNames.Shard(shard));
            Assert.Equal(set.All.Single(r => r.Shards.Held.Contains(shard)).Name, owner);
        }

        // Each shard identified once; bucket 0 (shards 0 and 2) and bucket 1 (1 and 3) each held two identifies, 5 s apart
        // although different replicas sent them.
        Assert.Equal([0, 1, 2, 3], set.Emulator.Identifies.Select(i => i.Shard).Order());
        Assert.Equal(2, set.Emulator.Identifies.Count(i => i.Shard % 2 == 0));
        IdentifiesKeepToTheirBuckets(set.Emulator);
        Assert.True(set.All.Count(r => r.Shards.Held.Count > 0) >= 2, set.Layout());

        // A replica running no shard is a ready standby; the others show their shards.
        foreach (var r in set.All)
        {
            Assert.True(r.Status.Connected, $"{r.Name}: {r.Status.State}");
            Assert.Contains(r.Shards.Held.Count == 0 ? "standby" : "connected: shard", r.Status.State, StringComparison.Ordinal);
        }

        await EveryShardAnswersOnceAsync(set.Emulator, 4);
        EmulatorAssert.NoViolations(set.Emulator.Violations);
    }

    [Fact]
    public async Task A_replica_that_stops_renewing_closes_its_shards_before_its_leases_end_and_the_others_take_them_over()
    {
        await using var set = await ShardReplicas.StartAsync(recommendedShards: 4, maxConcurrency: 2);
        await set.AddAsync("a");
        await set.AddAsync("b");
        await set.AddAsync("c");
        await set.RunUntilAsync(() => set.AllHeldOnceAndConnected(4, set.All), "all four shards held once and connected");

        var dead = set.All.OrderByDescending(r => r.Shards.Held.Count).First();
        var lost = dead.Shards.Held.ToList();
        Assert.NotEmpty(lost);
        var survivors = set.All.Where(r => r != dead).ToList();
        var connectionsOfDead = lost.ToDictionary(s => s, s => set.Emulator.OpenConnectionsOf(s).Single());

        // "Death": the replica can no longer reach the lease store — no renewal, and no release either.
        var cutAt = set.Time.GetUtcNow();
        dead.Store.Partitioned = true;

        var takenAt = await set.RunUntilAsync(() => lost.All(s => survivors.Any(r => r.Shards.Held.Contains(s))), "the survivors to hold the lost shards");

        // Its last renewal was at or before the cut, so its leases ended by cut + lease period; a survivor's claim tick
        // follows within one claim interval (plus the driver's step).
        Assert.True(takenAt - cutAt <= Lease + Claim + ShardReplicas.Step, $"taken over {(takenAt - cutAt).TotalSeconds:0.##} s after the cut");

        // Its connections were closed before the leases could end: by cut + lease period - margin.
        foreach (var (shard, connection) in connectionsOfDead)
        {
            Assert.True(connection.Closed.IsCompleted, $"shard {shard}: the dead replica's connection is still open");
            Assert.True(connection.ClosedAt <= cutAt + Lease - Lease / 4, $"shard {shard}: closed at +{(connection.ClosedAt - cutAt)?.TotalSeconds:0.##} s");
        }

        Assert.Empty(dead.Shards.Held);
        Assert.Contains(dead.Harness.Logs.GetSnapshot(), l => l.Level == LogLevel.Warning && l.Message.Contains("lost", StringComparison.Ordinal) && l.Message.Contains("not renewed in time", StringComparison.Ordinal));

        await set.RunUntilAsync(() => set.AllHeldOnceAndConnected(4, survivors), "the survivors to run all four shards");

        // At no moment two open connections on one shard (the emulator checks every IDENTIFY), pacing kept throughout,
        // and each lost shard identified exactly once more.
        EmulatorAssert.NoViolations(set.Emulator.Violations);
        IdentifiesKeepToTheirBuckets(set.Emulator);
        foreach (var shard in Enumerable.Range(0, 4))
        {
            Assert.Equal(lost.Contains(shard) ? 2 : 1, set.Emulator.Identifies.Count(i => i.Shard == shard));
        }

        await EveryShardAnswersOnceAsync(set.Emulator, 4);
        EmulatorAssert.NoViolations(set.Emulator.Violations);
    }

    [Fact]
    public async Task A_graceful_stop_hands_the_shards_over_at_the_next_claim_tick_not_after_the_lease_period()
    {
        await using var set = await ShardReplicas.StartAsync(recommendedShards: 4, maxConcurrency: 4);
        var a = await set.AddAsync("a");
        var b = await set.AddAsync("b");
        await set.RunUntilAsync(() => set.AllHeldOnceAndConnected(4, set.All) && a.Shards.Held.Count == 2, "two shards each");
        var handed = a.Shards.Held.ToList();
        var connections = handed.Select(s => set.Emulator.OpenConnectionsOf(s).Single()).ToList();

        await a.StopGracefullyAsync();
        var stoppedAt = set.Time.GetUtcNow();

        // Closed as a session that ends (1000: the next owner identifies afresh), and the leases released at once.
        foreach (var connection in connections)
        {
            Assert.Equal(1000, await connection.Closed.WaitAsync(TimeSpan.FromSeconds(10)));
        }

        foreach (var shard in handed)
        {
            Assert.Null(await set.Store.GetOwnerAsync(LeaseNames.Shard(shard)));
        }

        var takenAt = await set.RunUntilAsync(() => b.Shards.Held.Count == 4, "b to hold every shard");
        Assert.True(takenAt - stoppedAt <= Claim + ShardReplicas.Step, $"taken {(takenAt - stoppedAt).TotalSeconds:0.##} s after the stop");

        await set.RunUntilAsync(() => set.AllHeldOnceAndConnected(4, [b]), "b to run every shard");
        await EveryShardAnswersOnceAsync(set.Emulator, 4);
        EmulatorAssert.NoViolations(set.Emulator.Violations);
        Assert.Contains(a.Harness.Logs.GetSnapshot(), l => l.Message.Contains("handing over", StringComparison.Ordinal));
    }

    /// <summary>
    /// Replica a runs both shards of two; b joins and a hands one over (rebalancing). Returns a, b and a's first
    /// connection of each shard at the fake moment b claimed the shard: b's connection is still being opened, and b has
    /// not renewed its lease yet.
    /// </summary>
    private static async Task<(ShardReplica A, ShardReplica B, Dictionary<int, GatewayConnection> First)> BJoinsAAsync(ShardReplicas set)
    {
        var a = await set.AddAsync("a");
        await set.RunUntilAsync(() => set.AllHeldOnceAndConnected(2, [a]), "a alone to run both shards");
        var first = Enumerable.Range(0, 2).ToDictionary(s => s, s => set.Emulator.OpenConnectionsOf(s).Single());
        Assert.Equal(2, set.Emulator.Identifies.Count);

        var b = await set.AddAsync("b");
        await set.RunUntilAsync(() => a.Shards.Held.Count == 1 && b.Shards.Held.Count == 1, "one shard each");
        return (a, b, first);
    }

    [Fact]
    public async Task With_a_shared_store_the_next_holder_resumes_a_handed_over_shard_and_an_event_sent_between_the_holders_is_answered_once()
    {
        await using var set = await ShardReplicas.StartAsync(recommendedShards: 2, maxConcurrency: 2, sharedStore: true);
        var (a, b, first) = await BJoinsAAsync(set);
        var moved = b.Shards.Held.Single();
        var kept = a.Shards.Held.Single();
        Assert.Equal((1, 0), (moved, kept)); // a hands over its highest shard

        // Rebalancing: a closed the shard keeping its session (4900, not 1000), and b — which has never seen a READY —
        // resumed that session instead of identifying. A resume waits for no identify turn, only for real I/O: it is
        // waited for in real time.
        await Eventually.TrueAsync(() => set.AllHeldOnceAndConnected(2, set.All), "b to resume the shard");
        Assert.Equal(4900, await first[moved].Closed.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(first[moved].SessionId, set.Emulator.OpenConnectionsOf(moved).Single().SessionId);
        Assert.Equal(2, set.Emulator.Identifies.Count);
        Assert.Equal(1, set.Emulator.ResumedElsewhere);
        Assert.Contains(b.Harness.Logs.GetSnapshot(), l => l.Message.Contains($"resuming session {first[moved].SessionId} from event", StringComparison.Ordinal));

        // The bot's user id came with the session (b saw no READY), so b knows the mentions of the bot.
        Assert.Equal(EmulatorSettings.DiscordBotUserId, b.Harness.Services.GetRequiredService<DiscordIdentity>().BotUserId);
        await EveryShardAnswersOnceAsync(set.Emulator, 2);

        // a stops: it closes its shard keeping the session, leaves the session with the lease (the last event it took
        // in: after READY (1), the question (2) and the DM (3) above), then releases the lease.
        await a.StopGracefullyAsync();
        var stoppedAt = set.Time.GetUtcNow();
        Assert.Equal(4900, await first[kept].Closed.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(await set.Store.GetOwnerAsync(LeaseNames.Shard(kept)));
        var note = set.NoteOf(kept);
        Assert.NotNull(note);
        Assert.Equal((first[kept].SessionId, 3L, kept, 2, EmulatorSettings.DiscordBotUserId), (note.SessionId, note.Sequence, note.Shard, note.Total, note.BotUserId));

        // A question while no connection has the shard: Discord holds it for the session.
        var meanwhile = await AskOnShardAsync(set.Emulator, kept, 2, "What does an AI Engineer do?");
        Assert.Equal(1, set.Emulator.HeldForResume);

        var takenAt = await set.RunUntilAsync(() => b.Shards.Held.Count == 2, "b to hold both shards");
        Assert.True(takenAt - stoppedAt <= Claim + ShardReplicas.Step, $"taken {(takenAt - stoppedAt).TotalSeconds:0.##} s after the stop");

        await Eventually.TrueAsync(() => set.AllHeldOnceAndConnected(2, [b]), "b to run both shards");

        // b resumed a's session from the event a took in last, and Discord replayed exactly the held question.
        Assert.Equal(note.SessionId, set.Emulator.OpenConnectionsOf(kept).Single().SessionId);
        Assert.Contains(b.Harness.Logs.GetSnapshot(), l => l.Message.Contains($"resuming session {note.SessionId} from event {note.Sequence},", StringComparison.Ordinal));
        await AnsweredOnceAsync(set.Emulator, meanwhile);
        Assert.Equal(1, set.Emulator.Replayed);
        Assert.Equal(2, set.Emulator.ResumedElsewhere);
        Assert.Equal(2, set.Emulator.Identifies.Count); // still one per shard: neither hand-over identified

        await EveryShardAnswersOnceAsync(set.Emulator, 2);
        Assert.Single(set.Emulator.Requests, r => DiscordEmulator.IsReplyTo(r, meanwhile));
        EmulatorAssert.NoViolations(set.Emulator.Violations);
    }

    /// <param name="newcomerDies">
    /// b dies just after it resumed the shard a handed over, before its first renewal: the last note is a's, from before
    /// b's resume. Otherwise a dies with the shard it has held from the start: the last note is from a's last renewal.
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task With_a_shared_store_a_dead_replicas_shard_is_resumed_from_its_last_note_and_events_sent_while_nobody_had_it_are_answered_once(bool newcomerDies)
    {
        await using var set = await ShardReplicas.StartAsync(recommendedShards: 2, maxConcurrency: 2, sharedStore: true);
        var (a, b, _) = await BJoinsAAsync(set);
        await Eventually.TrueAsync(() => set.AllHeldOnceAndConnected(2, set.All), "b to resume the shard"); // real I/O only
        var (dead, survivor) = newcomerDies ? (b, a) : (a, b);
        var lost = dead.Shards.Held.Single();
        var old = set.Emulator.OpenConnectionsOf(lost).Single();
        var note = set.NoteOf(lost);
        Assert.NotNull(note);
        Assert.Equal((old.SessionId, 1L), (note.SessionId, note.Sequence)); // READY: nothing else was taken in yet

        // The replica dies: no lease store, its connection dropped without a close frame (the session is not ended).
        var cutAt = set.Time.GetUtcNow();
        dead.Kill();
        Assert.Null(await old.Closed.WaitAsync(TimeSpan.FromSeconds(10)));

        // A question while no connection has the shard; another once the dead replica's guard gave it up, before the
        // lease lapsed and a survivor could take it.
        var whileDropped = await AskOnShardAsync(set.Emulator, lost, 2, "What does an AI Engineer do?");
        var gaveUpAt = await set.RunUntilAsync(() => dead.Status.Shards.Count == 0, "the dead replica's guard to give up the shard");
        Assert.True(gaveUpAt <= cutAt + Lease - Lease / 4, $"given up +{(gaveUpAt - cutAt).TotalSeconds:0.##} s after the cut");
        Assert.Contains(dead.Harness.Logs.GetSnapshot(), l => l.Message.Contains("not renewed in time", StringComparison.Ordinal));
        Assert.DoesNotContain(lost, survivor.Shards.Held);
        var whileFree = await AskOnShardAsync(set.Emulator, lost, 2, "What skills does an AI Architect need?");
        Assert.Equal(2, set.Emulator.HeldForResume);

        // Its lease was last taken or renewed at or before the cut: it lapsed by cut + lease period, the claim follows
        // within one claim interval.
        var takenAt = await set.RunUntilAsync(() => survivor.Shards.Held.Contains(lost), "the survivor to claim the lost shard");
        Assert.True(takenAt - cutAt <= Lease + Claim + ShardReplicas.Step, $"taken over {(takenAt - cutAt).TotalSeconds:0.##} s after the cut");
        await Eventually.TrueAsync(() => set.AllHeldOnceAndConnected(2, [survivor]), "the survivor to run both shards"); // a resume: real I/O only

        // The survivor resumed the dead replica's session from the last note (when b died, one from before b's RESUMED,
        // which took a number of its own); both held questions were replayed, and answered once.
        Assert.Equal(note.SessionId, set.Emulator.OpenConnectionsOf(lost).Single().SessionId);
        Assert.Contains(survivor.Harness.Logs.GetSnapshot(), l => l.Message.Contains($"resuming session {note.SessionId} from event {note.Sequence},", StringComparison.Ordinal));
        await AnsweredOnceAsync(set.Emulator, whileDropped, whileFree);
        Assert.Equal(2, set.Emulator.Replayed);
        Assert.Equal(1, set.Emulator.Identifies.Count(i => i.Shard == lost));

        await EveryShardAnswersOnceAsync(set.Emulator, 2);
        Assert.Single(set.Emulator.Requests, r => DiscordEmulator.IsReplyTo(r, whileDropped));
        Assert.Single(set.Emulator.Requests, r => DiscordEmulator.IsReplyTo(r, whileFree));
        EmulatorAssert.NoViolations(set.Emulator.Violations);
    }

    [Fact]
    public async Task With_the_store_of_one_process_a_handed_over_shard_ends_its_session_and_the_next_holder_identifies_afresh()
    {
        await using var set = await ShardReplicas.StartAsync(recommendedShards: 2, maxConcurrency: 2);
        Assert.False(set.Store.SharedAcrossProcesses);
        var (a, b, first) = await BJoinsAAsync(set);
        var moved = b.Shards.Held.Single();
        var kept = a.Shards.Held.Single();
        await set.RunUntilAsync(() => set.AllHeldOnceAndConnected(2, set.All), "b to connect the shard");

        // Rebalancing: closed with 1000 (the session ends), and b identified the shard afresh.
        Assert.Equal(1000, await first[moved].Closed.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.NotEqual(first[moved].SessionId, set.Emulator.OpenConnectionsOf(moved).Single().SessionId);
        Assert.Equal(2, set.Emulator.Identifies.Count(i => i.Shard == moved));

        await a.StopGracefullyAsync();
        Assert.Equal(1000, await first[kept].Closed.WaitAsync(TimeSpan.FromSeconds(10)));

        // The session ended with the close: Discord has nobody to send the shard's events to until a new one identifies.
        var (_, message) = Mention(kept, 2, "What does an AI Engineer do?");
        Assert.False(await set.Emulator.DispatchToShardAsync(kept, "MESSAGE_CREATE", message));

        await set.RunUntilAsync(() => set.AllHeldOnceAndConnected(2, [b]), "b to run both shards");
        Assert.Equal(2, set.Emulator.Identifies.Count(i => i.Shard == kept));
        Assert.Equal(4, set.Emulator.Identifies.Count);
        Assert.Equal((0L, 0L, 0L), (set.Emulator.HeldForResume, set.Emulator.Replayed, set.Emulator.ResumedElsewhere));
        Assert.Null(set.NoteOf(0));
        Assert.Null(set.NoteOf(1));
        Assert.DoesNotContain(b.Harness.Logs.GetSnapshot(), l => l.Message.Contains("resuming session", StringComparison.Ordinal));

        IdentifiesKeepToTheirBuckets(set.Emulator);
        await EveryShardAnswersOnceAsync(set.Emulator, 2);
        EmulatorAssert.NoViolations(set.Emulator.Violations);
    }

    [Fact]
    public void A_session_note_round_trips()
    {
        var session = new GatewaySession("abc123", "wss://gateway-us-east1-b.discord.gg", 42, 3, 8, "987654321");
        Assert.Equal(session, GatewaySession.FromJson(session.ToJson()));

        var noUser = session with { BotUserId = null, ResumeUrl = "ws://127.0.0.1:5000/resume", Sequence = 0 };
        Assert.Equal(noUser, GatewaySession.FromJson(noUser.ToJson()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"session_id":"abc","resume_gateway_url":"wss://g.example","seq":"7","shard":0,"total":1}""")]
    [InlineData("""{"session_id":"","resume_gateway_url":"wss://g.example","seq":7,"shard":0,"total":1}""")]
    [InlineData("""{"resume_gateway_url":"wss://g.example","seq":7,"shard":0,"total":1}""")]
    [InlineData("""{"session_id":"abc","resume_gateway_url":"","seq":7,"shard":0,"total":1}""")]
    [InlineData("""{"session_id":"abc","resume_gateway_url":"https://g.example","seq":7,"shard":0,"total":1}""")]
    [InlineData("""{"session_id":"abc","resume_gateway_url":"/resume","seq":7,"shard":0,"total":1}""")]
    [InlineData("""{"session_id":"abc","resume_gateway_url":"wss://g.example","seq":-1,"shard":0,"total":1}""")]
    [InlineData("""{"session_id":"abc","resume_gateway_url":"wss://g.example","seq":7,"shard":0,"total":0}""")]
    public void A_damaged_or_foreign_session_note_is_no_session(string? json)
    {
        Assert.Null(GatewaySession.FromJson(json));
    }

    [Fact]
    public async Task A_gateway_client_resumes_only_a_session_of_its_own_shard_and_total()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        var identity = adapter.Services.GetRequiredService<DiscordIdentity>();
        var client = adapter.Services.GetRequiredService<GatewayClientFactory>().Create(new ShardContext(1, 4, adapter.Status.AddShard(1, 4)));
        var session = new GatewaySession("left-by-another", "wss://g.example/resume", 17, 1, 4, "555");

        Assert.False(client.ResumeFrom(session with { Shard = 2 }));
        Assert.False(client.ResumeFrom(session with { Total = 2 }));
        Assert.Null(client.Session);
        Assert.Null(identity.BotUserId);

        Assert.True(client.ResumeFrom(session));
        Assert.Equal(session, client.Session);
        Assert.Equal("555", identity.BotUserId); // a replica that only ever resumed still knows the bot's mentions
    }

    [Fact]
    public async Task A_renewal_the_store_refuses_closes_the_shard_at_once_and_its_events_are_no_longer_taken_in()
    {
        await using var set = await ShardReplicas.StartAsync(recommendedShards: 1, maxConcurrency: 1);

        // A long lease (80 s: margin 20 s) allows a 10 s close handshake, time enough for a late event on the closing connection.
        var solo = await set.AddAsync("solo", new() { ["Advisor:Discord:ShardLeaseSeconds"] = "80" }, new GatewaySettings { ShardCloseTimeout = TimeSpan.FromSeconds(10) });
        await set.RunUntilAsync(() => set.AllHeldOnceAndConnected(1, [solo]), "the shard connected");
        var connection = set.Emulator.OpenConnectionsOf(0).Single();
        connection.AnswerClose = false; // the client keeps reading until it gives up on the close handshake

        // Another owner holds the lease now (as after an expiry the replica did not notice): the next renewal is refused.
        await set.Store.ReleaseAsync(LeaseNames.Shard(0), "solo");
        Assert.True(await set.Store.TryAcquireAsync(LeaseNames.Shard(0), "another-replica", TimeSpan.FromHours(1)));
        set.Time.Advance(TimeSpan.FromSeconds(80) / 3); // the next renewal is due by then
        Assert.Equal(1000, await connection.Closed.WaitAsync(TimeSpan.FromSeconds(30)));

        // An event still arriving on the closing connection is not taken in.
        var late = "777000000000000099";
        await connection.DispatchNextAsync("MESSAGE_CREATE", DiscordEmulator.MessageCreate(late, "222000000000000009", DiscordEmulator.GuildOnShard(0, 1), "444000000000000009", "What is an AI Architect?", EmulatorSettings.DiscordBotUserId));
        await Eventually.TrueAsync(() => solo.Harness.Logs.GetSnapshot().Any(l => l.Message.Contains("no longer this replica's", StringComparison.Ordinal)), "the late event to be turned away");
        Assert.DoesNotContain(set.Emulator.Requests, r => DiscordEmulator.IsReplyTo(r, late));

        Assert.Contains(solo.Harness.Logs.GetSnapshot(), l => l.Level == LogLevel.Warning && l.Message.Contains("refused the renewal", StringComparison.Ordinal));
        Assert.Equal("another-replica", await set.Store.GetOwnerAsync(LeaseNames.Shard(0))); // a lost lease is left alone
        await set.RunUntilAsync(() => solo.Status.Shards.Count == 0 && solo.Status.State.StartsWith("standby", StringComparison.Ordinal), "the replica to show it runs no shard");
        EmulatorAssert.NoViolations(set.Emulator.Violations);
    }

    [Fact]
    public async Task A_replica_added_later_gets_its_share_as_the_first_hands_over_one_shard_at_a_time()
    {
        await using var set = await ShardReplicas.StartAsync(recommendedShards: 4, maxConcurrency: 4);
        var a = await set.AddAsync("a");
        await set.RunUntilAsync(() => set.AllHeldOnceAndConnected(4, [a]), "a alone to run all four shards");

        var b = await set.AddAsync("b");
        await set.RunUntilAsync(() => a.Shards.Held.Count == 2 && b.Shards.Held.Count == 2 && set.AllHeldOnceAndConnected(4, set.All), "two shards each");

        Assert.Equal(6, set.Emulator.Identifies.Count); // four, then the two handed over identified once more
        EmulatorAssert.NoViolations(set.Emulator.Violations);
        IdentifiesKeepToTheirBuckets(set.Emulator);
        await EveryShardAnswersOnceAsync(set.Emulator, 4);
    }

    [Fact]
    public async Task Pinned_replicas_run_only_their_shards_under_the_configured_total_and_a_replica_pinned_alike_stands_by()
    {
        await using var set = await ShardReplicas.StartAsync(recommendedShards: 1, maxConcurrency: 4);
        static Dictionary<string, string?> Pinned(params int[] ids)
        {
            var settings = new Dictionary<string, string?> { ["Advisor:Discord:ShardCount"] = "4" };
            for (var i = 0; i < ids.Length; i++)
            {
                settings[$"Advisor:Discord:ShardIds:{i}"] = ids[i].ToString(CultureInfo.InvariantCulture);
            }

            return settings;
        }

        var low = await set.AddAsync("low", Pinned(0, 1));
        var high = await set.AddAsync("high", Pinned(2, 3));
        await set.RunUntilAsync(() => set.AllHeldOnceAndConnected(4, [low, high]), "the pinned shards connected");
        var spare = await set.AddAsync("spare", Pinned(0, 1));
        await set.RunUntilAsync(() => spare.Status.State.StartsWith("standby", StringComparison.Ordinal), "the spare to stand by");

        Assert.Equal([0, 1], low.Shards.Held);
        Assert.Equal([2, 3], high.Shards.Held);
        Assert.Empty(spare.Shards.Held);
        Assert.All(set.Emulator.Identifies, i => Assert.Equal(4, i.Total)); // the configured total, not the recommendation

        await low.StopGracefullyAsync();
        await set.RunUntilAsync(() => set.AllHeldOnceAndConnected(4, [spare, high]), "the spare to take over the low shards");
        Assert.Equal([0, 1], spare.Shards.Held);
        EmulatorAssert.NoViolations(set.Emulator.Violations);
    }

    [Fact]
    public async Task Replicas_agree_on_the_shard_total_the_first_one_fixed_and_a_conflicting_fixed_total_runs_nothing()
    {
        await using var set = await ShardReplicas.StartAsync(recommendedShards: 2, maxConcurrency: 2);
        var first = await set.AddAsync("first");
        await set.RunUntilAsync(() => set.AllHeldOnceAndConnected(2, [first]), "the first replica to run two shards");

        // Discord now recommends 4, but the replicas in force run 2: a new replica joins them at 2.
        set.Emulator.RecommendedShards = 4;
        var later = await set.AddAsync("later");
        var odd = await set.AddAsync("odd", new() { ["Advisor:Discord:ShardCount"] = "3" });
        await set.RunUntilAsync(() => later.Shards.Total == 2 && odd.Status.State.StartsWith("waiting", StringComparison.Ordinal), "the later replica to adopt the total");

        Assert.Equal(2, later.Shards.Total);
        Assert.Contains(later.Harness.Logs.GetSnapshot(), l => l.Message.Contains("the other replicas run 2 shards", StringComparison.Ordinal));
        Assert.Empty(odd.Shards.Held);
        Assert.False(odd.Status.Connected);
        Assert.Contains(odd.Harness.Logs.GetSnapshot(), l => l.Level == LogLevel.Error && l.Message.Contains("Advisor:Discord:ShardCount is 3", StringComparison.Ordinal));
        Assert.All(set.Emulator.Identifies, i => Assert.Equal(2, i.Total));
        EmulatorAssert.NoViolations(set.Emulator.Violations);
    }

    [Theory]
    [InlineData(null, "1", 20.0, 5.0, "ShardCount must be set too")]
    [InlineData("2", "2", 20.0, 5.0, "not a shard id below Advisor:Discord:ShardCount (2)")]
    [InlineData(null, null, 20.0, 7.0, "at most a third of Advisor:Discord:ShardLeaseSeconds")]
    [InlineData(null, null, 1.0, 0.2, "ShardLeaseSeconds must be between 2 and 3600")]
    public void Shard_settings_are_validated_naming_the_key(string? count, string? pinned, double lease, double claim, string expected)
    {
        var options = new DiscordOptions
        {
            Token = "t",
            ApplicationId = "1",
            ShardCount = count is null ? null : int.Parse(count, CultureInfo.InvariantCulture),
            ShardIds = pinned is null ? [] : [int.Parse(pinned, CultureInfo.InvariantCulture)],
            ShardLeaseSeconds = lease,
            ShardClaimSeconds = claim,
        };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, true));
        Assert.Contains(results, r => r.ErrorMessage!.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_shard_settings_are_valid_and_keep_the_close_inside_the_margin()
    {
        var options = new DiscordOptions { Token = "t", ApplicationId = "1" };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.True(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, true), string.Join("; ", results));
        Assert.Empty(options.PinnedShards);
        Assert.Null(options.ShardCount);

        var timings = ShardTimings.From(options, new GatewaySettings());
        Assert.Equal(TimeSpan.FromSeconds(20), timings.Ttl);
        Assert.True(timings.RenewEvery < timings.Ttl - timings.Margin, "a renewal comes before the guard");
        Assert.True(timings.CloseTimeout <= timings.Margin / 2);

        // A short lease shortens the close timeout with it.
        var tight = ShardTimings.From(new DiscordOptions { Token = "t", ApplicationId = "1", ShardLeaseSeconds = 4, ShardClaimSeconds = 1 }, new GatewaySettings());
        Assert.Equal(TimeSpan.FromSeconds(0.5), tight.CloseTimeout);
        Assert.Equal([3], new DiscordOptions { ShardId = 3, ShardIds = [3] }.PinnedShards);
    }
}
