using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Advisor.Core.Answers;
using Advisor.Core.Hosting;
using Advisor.Core.Retrieval;
using Advisor.Redis.Tests;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Advisor.Testing.Slack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Advisor.Host.Tests;

/// <summary>
/// Two real workers as two replicas — Slack over Socket Mode and Discord over the gateway against the emulators, one
/// Redis server with short leases — where replica A takes questions on and then "dies": its Redis connection goes
/// through a proxy that the test cuts, so its renewals stop and nothing is released (as after a SIGKILL, from Redis's
/// side), and its answer never goes on. Replica B starts after that and its sweeper finishes what A left, exactly once,
/// through the emulators — and posts nothing for a question A had answered before it died.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class InFlightTakeOverTests(RedisServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Guild = "111000000000000001";
    private const string DiscordChannel = "222000000000000077";
    private const string Salt = "in-flight-tests-shared-salt-0123";

    private readonly string _prefix = RedisServer.NewPrefix();
    private readonly List<IAsyncDisposable> _owned = [];
    private SlackEmulator _slack = null!;
    private DiscordEmulator _discord = null!;
    private TempKnowledge _knowledge = null!;

    [SkippableFact]
    public async Task A_replica_that_dies_mid_answer_has_each_question_finished_once_by_another()
    {
        server.SkipUnlessAvailable(output);
        var composer = new GatedComposer();
        var (a, proxy) = await StartReplicaAsync(composer);
        var gatewayA = await GatewayAsync();
        string[] questions = ["What skills does an AI Architect need?", "What does an AI Scientist do?", "What tools does a Machine Learning Research Engineer use?"];
        foreach (var q in questions)
        {
            composer.Hold(q);
        }

        var ts = "1700000100.000100";
        await _slack.SendEventAsync(SlackEmulator.Mention(questions[0], ts, "EvTake1"));
        await gatewayA.DispatchNextAsync("MESSAGE_CREATE", DiscordEmulator.MessageCreate("5000000000000000101", DiscordChannel, Guild, "333000000000000001", $"<@{EmulatorSettings.DiscordBotUserId}> {questions[1]}", EmulatorSettings.DiscordBotUserId));
        await gatewayA.DispatchInteractionAsync(Ask("5500000000000000201", questions[2]));
        await composer.EnteredAsync(questions[0]); // A is answering these two, their answers held
        await composer.EnteredAsync(questions[1]);

        // The /ask waits in A's queue behind the mention in the same channel; it is held in Redis all the same.
        await Eventually.TrueAsync(async () => (await InFlightAsync()).Count == 3, "A's three questions to be held in Redis");
        proxy.Cut(); // A dies

        var b = await StartWorkerAsync(server.ConnectionString);
        await GatewayAsync();
        await Eventually.TrueAsync(async () => (await InFlightAsync()).Count == 0, "replica B to finish A's questions", 60);

        Assert.Equal(3, Sweeper(b).TakenOver);
        var slackReplies = _slack.Posts.Where(p => (string?)p.Body["thread_ts"] == ts).ToList();
        Assert.Single(slackReplies);
        Assert.Contains("AI Architect", TwoPlatformWorker.SlackText(slackReplies[0].Body), StringComparison.Ordinal);
        Assert.Single(_discord.MessagesIn(DiscordChannel), m => (string?)m["message_reference"]?["message_id"] == "5000000000000000101");
        var original = _discord.Originals["tok-5500000000000000201"];
        Assert.Equal(0, ((int?)original["flags"] ?? 0) & 128); // no longer "thinking…"
        Assert.Contains("Machine Learning Research Engineer", original.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(_discord.Violations);

        // Slack delivers the event again (a retry) to B: it is B's message now, not answered twice.
        await _slack.SendEventAsync(SlackEmulator.Mention(questions[0], ts, "EvTake1"), connection: _slack.OpenConnections);
        await _slack.SendEventAsync(SlackEmulator.Mention(questions[0], ts, "EvTake1b"), connection: _slack.OpenConnections);
        await Task.Delay(500); // nothing to wait for: a repeat does nothing (the next assertion holds either way it went)
        Assert.Single(_slack.Posts, p => (string?)p.Body["thread_ts"] == ts);
        Assert.False(composer.Released); // A never went on
    }

    [SkippableFact]
    public async Task A_question_the_dead_replica_had_answered_is_not_posted_again()
    {
        server.SkipUnlessAvailable(output);
        var composer = new GatedComposer();
        var (a, proxy) = await StartReplicaAsync(composer);
        var gatewayA = await GatewayAsync();
        string[] questions = ["What education does an AI Architect need?", "What does a Machine Learning Research Engineer do?", "Which tools does an AI Scientist use?"];
        foreach (var q in questions)
        {
            composer.Hold(q);
        }

        var ts = "1700000200.000100";
        await _slack.SendEventAsync(SlackEmulator.Mention(questions[0], ts, "EvPosted1"));
        await gatewayA.DispatchNextAsync("MESSAGE_CREATE", DiscordEmulator.MessageCreate("5000000000000000301", DiscordChannel, Guild, "333000000000000001", $"<@{EmulatorSettings.DiscordBotUserId}> {questions[1]}", EmulatorSettings.DiscordBotUserId));
        await gatewayA.DispatchInteractionAsync(Ask("5500000000000000401", questions[2]));
        await composer.EnteredAsync(questions[0]);
        await composer.EnteredAsync(questions[1]);
        await Eventually.TrueAsync(async () => (await InFlightAsync()).Count == 3, "A's three questions to be held in Redis");

        // A loses Redis, then posts its three answers: it cannot delete their claims, and dies.
        proxy.Cut();
        composer.ReleaseAll();
        await Eventually.TrueAsync(() => _slack.Posts.Any(p => (string?)p.Body["thread_ts"] == ts), "A's Slack answer");
        await Eventually.TrueAsync(() => _discord.MessagesIn(DiscordChannel).Any(m => (string?)m["message_reference"]?["message_id"] == "5000000000000000301"), "A's Discord answer");
        await Eventually.TrueAsync(() => _discord.Originals.TryGetValue("tok-5500000000000000401", out var o) && (((int?)o["flags"] ?? 0) & 128) == 0, "A's /ask answer");
        var slackPostsBefore = _slack.Posts.Count;
        var originalEditsBefore = _discord.Requests.Count(r => r.Method == "PATCH" && r.Path.Contains("tok-5500000000000000401", StringComparison.Ordinal));
        Assert.Equal(3, (await InFlightAsync()).Count); // A could not delete their claims

        var b = await StartWorkerAsync(server.ConnectionString);
        await GatewayAsync();
        await Eventually.TrueAsync(async () => (await InFlightAsync()).Count == 0, "replica B to take A's questions over", 60);

        Assert.Equal(3, Sweeper(b).TakenOver);
        Assert.Equal(slackPostsBefore, _slack.Posts.Count);
        Assert.Single(_slack.Posts, p => (string?)p.Body["thread_ts"] == ts);
        Assert.Single(_discord.MessagesIn(DiscordChannel), m => (string?)m["message_reference"]?["message_id"] == "5000000000000000301"); // B's repeat carried A's nonce
        Assert.Equal(originalEditsBefore, _discord.Requests.Count(r => r.Method == "PATCH" && r.Path.Contains("tok-5500000000000000401", StringComparison.Ordinal)));
        Assert.Empty(_discord.Violations);
    }

    /// <summary>Replica A: its Redis through a proxy the test can cut, its answers through a gated composer.</summary>
    private async Task<(TestWorker Worker, CuttableProxy Proxy)> StartReplicaAsync(GatedComposer composer)
    {
        var proxy = new CuttableProxy(server.ConnectionString);
        _owned.Add(proxy);
        var worker = await StartWorkerAsync(proxy.Address, composer);
        await Eventually.TrueAsync(() => _slack.OpenConnections == 1, "replica A's Socket Mode connection", TwoPlatformWorker.Deadline);
        return (worker, proxy);
    }

    private async Task<TestWorker> StartWorkerAsync(string redis, GatedComposer? composer = null)
    {
        var settings = EmulatorSettings.For(_slack, _discord);
        settings["Advisor:Redis:ConnectionString"] = redis;
        settings["Advisor:Redis:KeyPrefix"] = _prefix;
        settings["Advisor:Data:UserHashSalt"] = Salt;
        settings["Advisor:InFlight:LeaseMilliseconds"] = "1500";
        settings["Advisor:InFlight:SweepMilliseconds"] = "200";
        settings["Advisor:Reload:WatchFiles"] = "false";
        // The gateway's shard is leased in the same Redis: a short lease lets B take the shard soon after A is cut off.
        settings["Advisor:Discord:ShardLeaseSeconds"] = "3";
        settings["Advisor:Discord:ShardClaimSeconds"] = "0.5";
        var worker = await TestWorker.StartAsync(_knowledge.Folder, settings, composer is null ? null : s => s.AddSingleton<IAnswerComposer>(composer));
        _owned.Insert(0, worker); // stopped before the proxy and the emulators
        return worker;
    }

    private async Task<GatewayConnection> GatewayAsync()
    {
        var gateway = await _discord.NextConnectionAsync();
        await gateway.IdentifyAsync(EmulatorSettings.DiscordBotUserId, "session-" + Guid.NewGuid().ToString("N")[..8]);
        return gateway;
    }

    private static InFlightSweeper Sweeper(TestWorker worker) => worker.App.Services.GetServices<IHostedService>().OfType<InFlightSweeper>().Single();

    /// <summary>The questions in flight in Redis (the index's members).</summary>
    private async Task<IReadOnlyList<string>> InFlightAsync() =>
        [.. (await server.KeysAsync(_prefix)).Where(k => k.StartsWith(_prefix + "inflight:", StringComparison.Ordinal))];

    private static JsonObject Ask(string id, string question) => new()
    {
        ["id"] = id,
        ["application_id"] = DiscordEmulator.ApplicationId,
        ["type"] = 2,
        ["token"] = "tok-" + id,
        ["version"] = 1,
        ["guild_id"] = Guild,
        ["channel_id"] = DiscordChannel,
        ["member"] = new JsonObject { ["user"] = new JsonObject { ["id"] = "333000000000000002", ["username"] = "Mason" }, ["roles"] = new JsonArray(), ["permissions"] = "0" },
        ["data"] = new JsonObject { ["id"] = "1", ["name"] = "ask", ["type"] = 1, ["options"] = new JsonArray(new JsonObject { ["name"] = "question", ["type"] = 3, ["value"] = question }) },
    };

    public async Task InitializeAsync()
    {
        _knowledge = Paths.CopyKnowledge();
        _slack = await SlackEmulator.StartAsync();
        _discord = await DiscordEmulator.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        await _discord.DisposeAsync();
        await _slack.DisposeAsync();
        _knowledge.Dispose();
        await server.DeleteAsync(_prefix);
    }

    /// <summary>The real extractive composer, except that a question the test holds waits until the test releases it.</summary>
    private sealed class GatedComposer : IAnswerComposer
    {
        private readonly ExtractiveComposer _inner = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _held = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, int> _entered = new(StringComparer.Ordinal);

        public bool Released { get; private set; }

        public void Hold(string question) => _held[question] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void ReleaseAll()
        {
            Released = true;
            foreach (var held in _held.Values)
            {
                held.TrySetResult();
            }
        }

        public Task EnteredAsync(string question) =>
            Eventually.TrueAsync(() => _entered.ContainsKey(question), $"'{question}' to reach replica A's composer", TwoPlatformWorker.Deadline);

        public async IAsyncEnumerable<AnswerUpdate> ComposeStreamingAsync(AdvisorQuestion question, RetrievalResult retrieval, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            _entered[question.Text] = 1;
            if (_held.TryGetValue(question.Text, out var held))
            {
                await held.Task.WaitAsync(cancellationToken);
            }

            await foreach (var update in _inner.ComposeStreamingAsync(question, retrieval, cancellationToken))
            {
                yield return update;
            }
        }
    }
}
