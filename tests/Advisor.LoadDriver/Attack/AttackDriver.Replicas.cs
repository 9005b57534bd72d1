using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Advisor.Testing.Slack;
using StackExchange.Redis;

namespace Advisor.LoadDriver.Attack;

/// <summary>
/// <c>replicas</c>: several <c>advisor serve</c> processes behind one bot — one Redis server, one PostgreSQL database (or
/// SQLite per replica when none is given) — against the loopback Slack and Discord emulators. Questions go to the
/// replicas in turn over HTTP: Slack <c>app_mention</c> events (retried on another replica, with
/// <c>X-Slack-Retry-Num</c>, when a delivery gets no 200, as Slack does) and Discord <c>/ask</c> interactions (which
/// Discord never delivers twice: one that gets no response is a failure the user sees). Some are delivered twice on
/// purpose: a Slack event again to another replica, its <c>message</c> twin to another, a Discord interaction again.
/// Mid-run one replica is killed with SIGKILL, and later another is stopped with SIGTERM and started again; for a
/// second after each, deliveries still reach it (as behind a load balancer whose health checks lag): Slack's fail and are
/// retried elsewhere, Discord's fail for good. At the end every acknowledged question must have exactly one answer.
/// </summary>
internal static partial class AttackDriver
{
    private const string TakeOverLine = "taking it over";

    /// <summary>How long deliveries still go to a replica after it was killed or stopped (a load balancer's health checks lag).</summary>
    private static readonly TimeSpan LoadBalancerLag = TimeSpan.FromSeconds(1);

    /// <summary>The replicas' shard lease (<c>Advisor:Discord:ShardLeaseSeconds</c>) and claim interval (<c>ShardClaimSeconds</c>).</summary>
    private static readonly TimeSpan ShardLease = TimeSpan.FromSeconds(6), ShardClaim = TimeSpan.FromSeconds(1);

    /// <summary>Discord's identify window: one IDENTIFY per bucket (<c>shard_id % max_concurrency</c>) per 5 s.</summary>
    private static readonly TimeSpan IdentifyWindow = TimeSpan.FromSeconds(5);

    /// <summary>How long after an announced reload every other replica must serve the new version (issue 14).</summary>
    private static readonly TimeSpan ReloadBound = TimeSpan.FromSeconds(2);

    private const string AdminToken = "replicas-scenario-admin-token-0123456789";

    private sealed class Replica(string name, WorkerProcess worker)
    {
        public string Name { get; } = name;

        public WorkerProcess Worker { get; } = worker;

        public HttpClient Http { get; } = new() { BaseAddress = worker.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };

        public volatile bool Alive = true;
    }

    /// <summary>How a question reaches the bot: a Slack event over HTTP, a Discord <c>/ask</c> over HTTP, a Discord mention on the gateway.</summary>
    private enum Via
    {
        Slack,
        Interaction,
        Gateway,
    }

    /// <summary>One question: when it was first sent, when and where it was acknowledged.</summary>
    private sealed class Question(int n, Via via, string key, string channel = "")
    {
        public int N { get; } = n;

        public Via Via { get; } = via;

        public bool Slack => Via == Via.Slack;

        /// <summary>The Slack message ts, the Discord interaction token, or the Discord message id.</summary>
        public string Key { get; } = key;

        /// <summary>The Discord channel of a gateway mention.</summary>
        public string Channel { get; } = channel;

        public DateTimeOffset SentAt { get; set; }

        public DateTimeOffset? AckedAt { get; set; }

        public string? AckedBy { get; set; }

        public int Deliveries;
    }

    private static async Task<int> ReplicasAsync(string[] args)
    {
        var replicaCount = 3;
        var total = 3000;
        var rate = 50;
        var calm = false;
        var postMs = 300;
        int? workers = null;
        int? victimWorkers = null;
        var shards = 6;
        var maxConcurrency = 2;
        var redis = Environment.GetEnvironmentVariable("ADVISOR_TEST_REDIS");
        var postgres = Environment.GetEnvironmentVariable("ADVISOR_TEST_POSTGRES");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--replicas" when i + 1 < args.Length: replicaCount = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--questions" when i + 1 < args.Length: total = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rate" when i + 1 < args.Length: rate = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--redis" when i + 1 < args.Length: redis = args[++i]; break;
                case "--postgres" when i + 1 < args.Length: postgres = args[++i]; break;
                case "--post-ms" when i + 1 < args.Length: postMs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--workers" when i + 1 < args.Length: workers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--victim-workers" when i + 1 < args.Length: victimWorkers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--shards" when i + 1 < args.Length: shards = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--max-concurrency" when i + 1 < args.Length: maxConcurrency = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--calm": calm = true; break;
                default: return Usage();
            }
        }

        if (string.IsNullOrWhiteSpace(redis))
        {
            Console.Error.WriteLine("replicas needs a Redis server: --redis host:port (or ADVISOR_TEST_REDIS)");
            return 2;
        }

        var kills = !calm && replicaCount >= 3;
        var prefix = $"advisor-replicas-{Guid.NewGuid():N}:";
        var store = string.IsNullOrWhiteSpace(postgres) ? "SQLite, one database per replica (no PostgreSQL given)" : "one PostgreSQL database shared by the replicas";
        Console.WriteLine($"replicas: {replicaCount} × advisor serve, Redis {redis} (prefix {prefix}), {store}; {total:N0} questions at {rate}/s; " +
            (kills ? "SIGKILL one replica at 35 %, SIGTERM and restart another at 65 %" : "no replica stopped") +
            $"; posts take {postMs} ms (Slack), {postMs / 3}–{postMs * 5 / 3} ms (Discord); {(workers is { } n ? n.ToString(CultureInfo.InvariantCulture) : "the default")} workers per platform" +
            (victimWorkers is { } vw ? $" ({vw} on r2, the replica killed: it falls behind, and dies with a queue)" : ""));

        await using var slack = await SlackEmulator.StartAsync().ConfigureAwait(false);
        await using var discord = await DiscordEmulator.StartAsync().ConfigureAwait(false);

        // Every post takes a while, as on a busy day (Slack's emulator: a fixed --post-ms, 0.3 s by default; Discord's:
        // from a third of it to five thirds, drawn per request), so that a replica killed mid-run dies with answers
        // half-way — some posted, their claims not yet deleted.
        if (postMs > 0)
        {
            slack.PostLatency = TimeSpan.FromMilliseconds(postMs);
            discord.ResponseLatency = () => TimeSpan.FromMilliseconds(postMs / 3 + Random.Shared.Next(postMs * 4 / 3));
        }
        // The gateway as Discord runs it for a sharded bot: GET /gateway/bot recommends `shards` and `max_concurrency`, and
        // the emulator plays every handshake itself, checking each IDENTIFY (its identify bucket's 5-second window, and
        // that no other open connection holds the same shard). The replicas split the shards through leases in Redis.
        discord.AutoGateway = true;
        discord.RecommendedShards = shards;
        discord.MaxConcurrency = maxConcurrency;

        // One knowledge folder shared by the replicas (a volume, in a deployment), copied so the scenario can change it.
        var knowledge = Path.Combine(Path.GetTempPath(), "advisor-replicas-knowledge-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(knowledge);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.RepoRoot(), "knowledge")))
        {
            File.Copy(file, Path.Combine(knowledge, Path.GetFileName(file)));
        }

        var dataFolders = new List<string>();
        var started = 0;
        async Task<Replica> StartReplicaAsync()
        {
            var name = "r" + Interlocked.Increment(ref started).ToString(CultureInfo.InvariantCulture);
            var extra = new List<(string, string)>
            {
                ("Advisor__Redis__ConnectionString", redis!),
                ("Advisor__Redis__KeyPrefix", prefix),
                ("Advisor__Data__UserHashSalt", "replicas-scenario-salt-0123456789"),
                ("Advisor__InFlight__LeaseMilliseconds", "3000"),
                ("Advisor__InFlight__SweepMilliseconds", "500"),
                ("Advisor__Host__ShutdownTimeoutSeconds", "20"),
                ("Advisor__Conversations__QuestionsPerUserPerMinute", "10000"),
                ("Advisor__KnowledgePath", knowledge),
                ("Advisor__Admin__Token", AdminToken),
                ("Advisor__Discord__ShardLeaseSeconds", ShardLease.TotalSeconds.ToString(CultureInfo.InvariantCulture)),
                ("Advisor__Discord__ShardClaimSeconds", ShardClaim.TotalSeconds.ToString(CultureInfo.InvariantCulture)),
            };
            if ((name == "r2" && victimWorkers is { } v ? v : workers) is { } w)
            {
                extra.Add(("Advisor__Slack__Workers", w.ToString(CultureInfo.InvariantCulture)));
                extra.Add(("Advisor__Discord__Workers", w.ToString(CultureInfo.InvariantCulture)));
            }

            if (string.IsNullOrWhiteSpace(postgres))
            {
                var folder = Path.Combine(Path.GetTempPath(), "advisor-replicas-" + Guid.NewGuid().ToString("N")[..12]);
                dataFolders.Add(folder);
                extra.Add(("Advisor__Data__Folder", folder));
            }
            else
            {
                extra.Add(("Advisor__Data__PostgresConnectionString", postgres!));
            }

            var worker = await WorkerProcess.StartAsync(Settings(slack, discord, [.. extra]), TimeSpan.FromSeconds(90), [TakeOverLine]).ConfigureAwait(false);
            using var probe = new HttpClient { BaseAddress = worker.BaseAddress };
            var said = "";
            try
            {
                await Eventually.TrueAsync(
                    async () =>
                    {
                        using var ready = await probe.GetAsync("/readyz").ConfigureAwait(false);
                        said = await ready.Content.ReadAsStringAsync().ConfigureAwait(false);
                        return ready.IsSuccessStatusCode;
                    },
                    $"replica {name} to be ready",
                    90).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Console.WriteLine($"  {name} is not ready: {said}\n    " + string.Join("\n    ", worker.Output.TakeLast(20)));
                await worker.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return new Replica(name, worker);
        }

        var replicas = new List<Replica>();
        try
        {
            for (var r = 0; r < replicaCount; r++)
            {
                replicas.Add(await StartReplicaAsync().ConfigureAwait(false));
            }

            return await RunReplicasAsync().ConfigureAwait(false);
        }
        finally
        {
            List<Replica> all;
            lock (replicas)
            {
                all = [.. replicas];
            }

            foreach (var replica in all.Where(r => !r.Worker.HasExited))
            {
                replica.Worker.Terminate();
            }

            foreach (var replica in all)
            {
                await replica.Worker.WaitForExitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                await replica.Worker.DisposeAsync().ConfigureAwait(false);
                replica.Http.Dispose();
            }

            foreach (var folder in dataFolders.Append(knowledge))
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }

        async Task<int> RunReplicasAsync()
        {
            var adminOptions = ConfigurationOptions.Parse(redis);
            adminOptions.AllowAdmin = true; // INFO commandstats
            using var redisAdmin = await ConnectionMultiplexer.ConnectAsync(adminOptions).ConfigureAwait(false);

            // Which replica holds each shard, as its lease in Redis says (the owner is a replica id with the process id).
            async Task<string[]> OwnerNamesAsync()
            {
                var names = new string[shards];
                List<Replica> all;
                lock (replicas)
                {
                    all = [.. replicas];
                }

                for (var shard = 0; shard < shards; shard++)
                {
                    var owner = (string?)await redisAdmin.GetDatabase().StringGetAsync(prefix + "lease:discord:shard:" + shard.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
                    names[shard] = owner is null ? "none" : all.FirstOrDefault(r => owner.Contains(":" + r.Worker.Pid.ToString(CultureInfo.InvariantCulture) + ":", StringComparison.Ordinal))?.Name ?? owner;
                }

                return names;
            }

            async Task<string> ShardOwnersAsync()
            {
                var names = await OwnerNamesAsync().ConfigureAwait(false);
                return string.Join(" ", names.Select((name, shard) => string.Create(CultureInfo.InvariantCulture, $"{shard}→{name}({discord.OpenConnectionsOf(shard).Count})")));
            }

            // Start once the shards are spread: each held on one connection, no replica holding more than its share.
            var shardsUp = Stopwatch.StartNew();
            await Eventually.TrueAsync(
                async () => Enumerable.Range(0, shards).All(shard => discord.OpenConnectionsOf(shard).Count == 1)
                    && (await OwnerNamesAsync().ConfigureAwait(false)) is var names && !names.Contains("none")
                    && names.GroupBy(n => n).Max(g => g.Count()) <= (shards + replicaCount - 1) / replicaCount,
                $"all {shards} shards to be held, spread over the replicas",
                120).ConfigureAwait(false);
            var ownersAtStart = await ShardOwnersAsync().ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {shards} shards (max_concurrency {maxConcurrency}) held {shardsUp.Elapsed.TotalSeconds:0.0} s after the last replica was ready: {ownersAtStart}"));
            var redisServer = redisAdmin.GetServer(redisAdmin.GetEndPoints()[0]);
            async Task<Dictionary<string, long>> RedisCommandsAsync()
            {
                var info = await redisServer.InfoRawAsync("commandstats").ConfigureAwait(false) ?? "";
                return info.Split('\n').Where(l => l.StartsWith("cmdstat_", StringComparison.Ordinal)).ToDictionary(
                    l => l["cmdstat_".Length..l.IndexOf(':', StringComparison.Ordinal)],
                    l => long.Parse(l.Split("calls=")[1].Split(',')[0], CultureInfo.InvariantCulture), StringComparer.Ordinal);
            }

            // Half the questions are Slack events; a quarter Discord /ask interactions; a quarter Discord mentions on the
            // gateway, in guilds spread over every shard.
            var questions = Enumerable.Range(0, total).Select(n => (n % 4) switch
            {
                0 or 2 => new Question(n, Via.Slack, FormattableString.Invariant($"1700001000.{n:D6}")),
                1 => new Question(n, Via.Interaction, FormattableString.Invariant($"tok-56{n:D16}")),
                _ => new Question(n, Via.Gateway, (1_500_000_000_000_000_000L + n).ToString(CultureInfo.InvariantCulture), (1_400_000_000_000_000_000L + n % 50).ToString(CultureInfo.InvariantCulture)),
            }).ToArray();
            var live = new Func<IReadOnlyList<Replica>>(() => { lock (replicas) { return [.. replicas.Where(x => x.Alive)]; } });
            var unacknowledged = new ConcurrentQueue<string>();
            var retried = new ConcurrentQueue<string>();
            long slackDuplicates = 0, discordDuplicates = 0, discordUnacknowledged = 0, discordRefused = 0, slackGivenUp = 0, loadBalancerRetries = 0, gatewayUndelivered = 0, gatewayDuplicates = 0;

            async Task<HttpStatusCode?> TryPostAsync(Replica replica, string path, byte[] body, Action<HttpRequestMessage> sign, Action<string>? read = null)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    sign(request);
                    using var response = await replica.Http.SendAsync(request).ConfigureAwait(false);
                    read?.Invoke(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
                    return response.StatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return null; // killed, restarting, or too slow: Slack would retry
                }
            }

            void SignSlack(HttpRequestMessage request, byte[] body, int retry)
            {
                var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
                request.Headers.Add("X-Slack-Signature", Sign(timestamp, body));
                if (retry > 0)
                {
                    request.Headers.Add("X-Slack-Retry-Num", retry.ToString(CultureInfo.InvariantCulture));
                    request.Headers.Add("X-Slack-Retry-Reason", "http_error");
                }
            }

            async Task SendSlackAsync(Question q)
            {
                var text = Questions[q.N % Questions.Length];
                var channel = "CR" + (q.N % 300).ToString(CultureInfo.InvariantCulture);
                var user = "UR" + (q.N % 400).ToString(CultureInfo.InvariantCulture);
                var body = Encoding.UTF8.GetBytes(SlackEmulator.Mention(text, q.Key, $"EvR{q.N}", channel, user: user).ToJsonString());
                for (var attempt = 0; attempt < 8; attempt++)
                {
                    var targets = live();
                    if (targets.Count == 0)
                    {
                        await Task.Delay(500).ConfigureAwait(false);
                        continue;
                    }

                    var replica = targets[(q.N + attempt) % targets.Count];
                    Interlocked.Increment(ref q.Deliveries);
                    var status = await TryPostAsync(replica, "/slack/events", body, r => SignSlack(r, body, attempt)).ConfigureAwait(false);
                    if (status == HttpStatusCode.OK)
                    {
                        q.AckedAt = DateTimeOffset.UtcNow;
                        q.AckedBy = replica.Name;
                        break;
                    }

                    await Task.Delay(300).ConfigureAwait(false); // Slack waits longer; the scenario compresses its schedule
                }

                if (q.AckedAt is null)
                {
                    Interlocked.Increment(ref slackGivenUp);
                    return;
                }

                // Duplicate deliveries: the same event again to another replica, or the message event of the same mention.
                if (q.N % 20 == 0 && live() is { Count: > 1 } others)
                {
                    Interlocked.Increment(ref slackDuplicates);
                    await TryPostAsync(others[(q.N + 1) % others.Count], "/slack/events", body, r => SignSlack(r, body, 1)).ConfigureAwait(false);
                }
                else if (q.N % 20 == 10 && live() is { Count: > 1 } twins)
                {
                    Interlocked.Increment(ref slackDuplicates);
                    var twin = Encoding.UTF8.GetBytes(SlackEmulator.Message($"<@{SlackEmulator.BotUserId}> {text}", q.Key, $"EvRm{q.N}", channel, user: user).ToJsonString());
                    await TryPostAsync(twins[(q.N + 2) % twins.Count], "/slack/events", twin, r => SignSlack(r, twin, 0)).ConfigureAwait(false);
                }
            }

            async Task SendDiscordAsync(Question q)
            {
                var id = q.Key["tok-".Length..];
                var body = Encoding.UTF8.GetBytes(AskInteraction(id, Questions[q.N % Questions.Length]).ToJsonString());
                var targets = live();
                if (targets.Count == 0)
                {
                    Interlocked.Increment(ref discordUnacknowledged);
                    return;
                }

                // The proxy in front of the interactions endpoint (deploy/k8s/ingress.yaml: `proxy_next_upstream error
                // timeout non_idempotent`): a request that meets an error before any response — a refused connection, a
                // connection reset because the replica died, even with the request read — goes to the next replica. Safe
                // for interactions: one is taken once across replicas by its id, and one a dead replica had claimed is
                // finished by the others' sweep through the token. Only a response that never comes in Discord's time is lost.
                var replica = targets[q.N % targets.Count];
                var responded = "";
                var why = "";
                for (var upstream = 0; upstream < targets.Count; upstream++)
                {
                    replica = targets[(q.N + upstream) % targets.Count];
                    Interlocked.Increment(ref q.Deliveries);
                    try
                    {
                        // Through the emulator, which keeps the response it gets inline (the deferral's "thinking…" @original), as Discord does.
                        using var response = await discord.PostInteractionAsync(new Uri(replica.Worker.BaseAddress, "/discord/interactions"), AskInteraction(id, Questions[q.N % Questions.Length]))
                            .WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                        responded = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync().ConfigureAwait(false) : "";
                        why = $"HTTP {(int)response.StatusCode} from {replica.Name}";
                        break;
                    }
                    catch (HttpRequestException ex) when (upstream + 1 < targets.Count)
                    {
                        Interlocked.Increment(ref loadBalancerRetries);
                        retried.Enqueue(string.Create(CultureInfo.InvariantCulture, $"question {q.N}: {ex.HttpRequestError} from {replica.Name}{(replica.Worker.HasExited ? " (exited)" : "")}"));
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or TimeoutException)
                    {
                        why = $"{ex.GetType().Name} ({(ex as HttpRequestException)?.HttpRequestError}) from {replica.Name}{(replica.Worker.HasExited ? " (exited)" : "")}: {ex.Message}";
                        break;
                    }
                }

                if (responded.Length == 0)
                {
                    Interlocked.Increment(ref discordUnacknowledged); // Discord shows "This interaction failed"; it never delivers it again
                    unacknowledged.Enqueue(string.Create(CultureInfo.InvariantCulture, $"question {q.N} sent {q.SentAt:HH:mm:ss.fff}: {why}"));
                    return;
                }

                if (JsonNode.Parse(responded)?["type"]?.GetValue<int>() != 5)
                {
                    Interlocked.Increment(ref discordRefused); // answered with a notice instead of a deferral ("restarting", "busy")
                    return;
                }

                q.AckedAt = DateTimeOffset.UtcNow;
                q.AckedBy = replica.Name;
                if (q.N % 20 == 1 && live() is { Count: > 1 } others)
                {
                    Interlocked.Increment(ref discordDuplicates);
                    await TryPostAsync(others[(q.N + 1) % others.Count], "/discord/interactions", body, r => SignDiscord(r, body)).ConfigureAwait(false);
                }
            }

            async Task SendGatewayAsync(Question q)
            {
                // A mention in a guild on shard n % shards. Discord sends it to the shard's session: on its connection, or,
                // while the shard changes hands, held until the next holder resumes the session. With no session to
                // take it (the shard's last session ended and no new one identified yet) it is lost: counted as not delivered.
                var shard = q.N / 4 % shards;
                var guild = DiscordEmulator.GuildOnShard(shard, shards, q.N % 5);
                var author = (1_300_000_000_000_000_000L + q.N % 400).ToString(CultureInfo.InvariantCulture);
                var message = DiscordEmulator.MessageCreate(q.Key, q.Channel, guild, author, Questions[q.N % Questions.Length], EmulatorSettings.DiscordBotUserId);
                Interlocked.Increment(ref q.Deliveries);
                bool delivered;
                try
                {
                    delivered = await discord.DispatchToShardAsync(shard, "MESSAGE_CREATE", message).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Net.WebSockets.WebSocketException or OperationCanceledException)
                {
                    delivered = false; // the connection closed under the send
                }

                if (!delivered)
                {
                    Interlocked.Increment(ref gatewayUndelivered);
                    return;
                }

                q.AckedAt = DateTimeOffset.UtcNow;
                q.AckedBy = "shard " + shard.ToString(CultureInfo.InvariantCulture);
                if (q.N % 20 == 3)
                {
                    // The same event again (a RESUME replays what the client had not acknowledged by its sequence number).
                    Interlocked.Increment(ref gatewayDuplicates);
                    try
                    {
                        await discord.DispatchToShardAsync(shard, "MESSAGE_CREATE", message.DeepClone()).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Net.WebSockets.WebSocketException or OperationCanceledException)
                    {
                    }
                }
            }

            async Task<string?> VersionAsync(Replica replica)
            {
                try
                {
                    using var ready = await replica.Http.GetAsync("/readyz").ConfigureAwait(false);
                    return JsonNode.Parse(await ready.Content.ReadAsStringAsync().ConfigureAwait(false))?["knowledge"]?["version"]?.GetValue<string>();
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
                {
                    return null;
                }
            }

            // A knowledge reload on one replica mid-run (an admin's POST /admin/reload after a file changed in the shared
            // folder; file watching is off, so only the broadcast can tell the others): each other live replica's /readyz
            // is read every 10 ms until it serves the new version.
            var reloadLines = new ConcurrentQueue<string>();
            var reloadLate = 0;
            async Task ReloadOnOneAsync()
            {
                var targets = live();
                var first = targets[0];
                await File.WriteAllTextAsync(Path.Combine(knowledge, "replicas-scenario.md"),
                    "# Prompt Engineer\n\n## Skills\n\nWriting, testing and versioning prompts; reading model output critically.\n").ConfigureAwait(false);
                using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/reload");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
                var took = Stopwatch.StartNew();
                using var response = await first.Http.SendAsync(request).ConfigureAwait(false);
                var reloaded = took.Elapsed;
                var version = await VersionAsync(first).ConfigureAwait(false);
                var done = Stopwatch.StartNew();
                reloadLines.Enqueue(string.Create(CultureInfo.InvariantCulture, $"reload on {first.Name}: HTTP {(int)response.StatusCode} in {reloaded.TotalMilliseconds:0} ms, knowledge {version}"));
                await Task.WhenAll(targets.Skip(1).Select(async other =>
                {
                    string? seen = null;
                    while (done.Elapsed < TimeSpan.FromSeconds(10) && (seen = await VersionAsync(other).ConfigureAwait(false)) != version)
                    {
                        await Task.Delay(10).ConfigureAwait(false);
                    }

                    var after = done.Elapsed;
                    if (seen != version || after > ReloadBound)
                    {
                        Interlocked.Increment(ref reloadLate);
                    }

                    reloadLines.Enqueue(string.Create(CultureInfo.InvariantCulture, $"{other.Name} served {seen ?? "nothing"} {after.TotalMilliseconds:0} ms after the reload on {first.Name} ended"));
                })).ConfigureAwait(false);
            }

            // Shards: every 50 ms, how many open gateway connections hold each shard. Two at once is a failure at any
            // moment; none is allowed only while a shard changes hands — at most the lease period, the claim interval and
            // the identify windows of its bucket (plus 2 s for the handshakes on a busy machine).
            var gapBound = ShardLease + ShardClaim + IdentifyWindow * Math.Ceiling(shards / (double)Math.Max(1, maxConcurrency)) + TimeSpan.FromSeconds(2);
            var doubleHeld = new ConcurrentQueue<string>();
            var gaps = new ConcurrentQueue<(int Shard, DateTimeOffset From, TimeSpan Length)>();
            var noHolderSince = new DateTimeOffset?[shards];
            var runStart = DateTimeOffset.UtcNow;
            using var stopMonitor = new CancellationTokenSource();
            var monitor = Task.Run(async () =>
            {
                while (true)
                {
                    var now = DateTimeOffset.UtcNow;
                    for (var shard = 0; shard < shards; shard++)
                    {
                        var open = discord.OpenConnectionsOf(shard).Count;
                        if (open > 1)
                        {
                            doubleHeld.Enqueue(string.Create(CultureInfo.InvariantCulture, $"{(now - runStart).TotalSeconds:0.00} s: shard {shard} open on {open} connections"));
                        }

                        if (open == 0)
                        {
                            noHolderSince[shard] ??= now;
                        }
                        else if (noHolderSince[shard] is { } since)
                        {
                            gaps.Enqueue((shard, since, now - since));
                            noHolderSince[shard] = null;
                        }
                    }

                    if (stopMonitor.IsCancellationRequested)
                    {
                        for (var shard = 0; shard < shards; shard++)
                        {
                            if (noHolderSince[shard] is { } since)
                            {
                                gaps.Enqueue((shard, since, now - since)); // still without a holder at the end
                            }
                        }

                        return;
                    }

                    await Task.Delay(50).ConfigureAwait(false);
                }
            });

            // The live replica holding the most shards (another than the one named), so a kill or a stop moves shards.
            async Task<Replica> BusiestAsync(string? not)
            {
                var names = await OwnerNamesAsync().ConfigureAwait(false);
                return live().Where(r => r.Name != not).OrderByDescending(r => names.Count(n => n == r.Name)).ThenBy(r => r.Name, StringComparer.Ordinal).First();
            }

            var commandsBefore = await RedisCommandsAsync().ConfigureAwait(false);
            DateTimeOffset? killedAt = null;
            string? killed = null, restarted = null;
            Task restart = Task.CompletedTask, reload = Task.CompletedTask;
            var clock = Stopwatch.StartNew();
            var interval = 1000.0 / rate;
            var sends = new Task[total];
            for (var i = 0; i < total; i++)
            {
                var wait = i * interval - clock.Elapsed.TotalMilliseconds;
                if (wait > 1)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait)).ConfigureAwait(false);
                }

                if (kills && i == total * 35 / 100)
                {
                    // The replica killed holds shards (the one with the most), unless --victim-workers named r2 for it.
                    var victim = victimWorkers is null ? await BusiestAsync(null).ConfigureAwait(false) : replicas[1];
                    Console.WriteLine("  shards before the kill: " + await ShardOwnersAsync().ConfigureAwait(false));
                    victim.Worker.KillHard();
                    _ = Task.Delay(LoadBalancerLag).ContinueWith(_ => victim.Alive = false, TaskScheduler.Default);
                    killedAt = DateTimeOffset.UtcNow;
                    killed = victim.Name;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {clock.Elapsed.TotalSeconds:0.0} s ({DateTimeOffset.UtcNow:HH:mm:ss.fff}): SIGKILL {victim.Name} (pid {victim.Worker.Pid})"));
                }

                if (kills && i == total * 65 / 100)
                {
                    var stopping = await BusiestAsync(killed).ConfigureAwait(false);
                    Console.WriteLine("  shards before the stop: " + await ShardOwnersAsync().ConfigureAwait(false));
                    stopping.Worker.Terminate();
                    _ = Task.Delay(LoadBalancerLag).ContinueWith(_ => stopping.Alive = false, TaskScheduler.Default);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {clock.Elapsed.TotalSeconds:0.0} s ({DateTimeOffset.UtcNow:HH:mm:ss.fff}): SIGTERM {stopping.Name} (pid {stopping.Worker.Pid}), restarting it"));
                    restart = Task.Run(async () =>
                    {
                        var exited = await stopping.Worker.WaitForExitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {clock.Elapsed.TotalSeconds:0.0} s: {stopping.Name} exited: {exited} (code {(exited ? stopping.Worker.ExitCode : -1)})"));
                        var again = await StartReplicaAsync().ConfigureAwait(false);
                        lock (replicas)
                        {
                            replicas.Add(again);
                        }

                        restarted = again.Name;
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {clock.Elapsed.TotalSeconds:0.0} s: {again.Name} started in its place"));
                    });
                }

                if (i == total / 2)
                {
                    reload = Task.Run(ReloadOnOneAsync);
                }

                var q = questions[i];
                q.SentAt = DateTimeOffset.UtcNow;
                sends[i] = Task.Run(() => q.Via switch { Via.Slack => SendSlackAsync(q), Via.Interaction => SendDiscordAsync(q), _ => SendGatewayAsync(q) });
            }

            await Task.WhenAll(sends).ConfigureAwait(false);
            var sendSeconds = clock.Elapsed.TotalSeconds;
            await restart.ConfigureAwait(false);
            await reload.ConfigureAwait(false);

            // Answers as the platforms hold them: Slack messages in each question's thread (not busy notices), Discord
            // /ask responses no longer "thinking…", and how many times each was edited into an answer.
            Dictionary<string, List<DateTimeOffset>> SlackAnswers() => slack.Calls
                .Where(c => c.Method == "chat.postMessage" && c.Status == 200 && !IsBusyNotice(c.Body) && (string?)c.Body["thread_ts"] is not null)
                .GroupBy(c => (string)c.Body["thread_ts"]!).ToDictionary(g => g.Key, g => g.Select(c => c.At).ToList(), StringComparer.Ordinal);
            Dictionary<string, List<DateTimeOffset>> DiscordAnswers() => discord.Requests
                .Where(r => r.Method == "PATCH" && r.Path.EndsWith("/messages/@original", StringComparison.Ordinal) && r.Path.Contains("/tok-56", StringComparison.Ordinal))
                .GroupBy(r => r.Path.Split('/').First(p => p.StartsWith("tok-56", StringComparison.Ordinal)))
                .ToDictionary(g => g.Key, g => g.Select(r => r.At).ToList(), StringComparer.Ordinal)
                .Concat(GatewayAnswers()).ToDictionary(StringComparer.Ordinal);

            // Gateway mentions: the messages the channel holds that reply to the question (a part posted again with its
            // enforced nonce is the message Discord kept, not a new one), timed by the first request that posted one.
            Dictionary<string, List<DateTimeOffset>> GatewayAnswers()
            {
                var firstPost = discord.Requests
                    .Where(r => r.Method == "POST" && r.Body?["message_reference"]?["message_id"] is not null && r.Path.EndsWith("/messages", StringComparison.Ordinal))
                    .GroupBy(r => (string)r.Body!["message_reference"]!["message_id"]!)
                    .ToDictionary(g => g.Key, g => g.Min(r => r.At), StringComparer.Ordinal);
                return discord.Messages.Values.SelectMany(list => list)
                    .Select(m => (string?)m["message_reference"]?["message_id"])
                    .Where(id => id is not null && firstPost.ContainsKey(id))
                    .GroupBy(id => id!)
                    .ToDictionary(g => g.Key, g => g.Select(_ => firstPost[g.Key]).ToList(), StringComparer.Ordinal);
            }

            bool Answered(Question q, Dictionary<string, List<DateTimeOffset>> s, Dictionary<string, List<DateTimeOffset>> d) => q.Via switch
            {
                Via.Slack => s.ContainsKey(q.Key),
                Via.Interaction => discord.Originals.TryGetValue(q.Key, out var o) && (((int?)o["flags"] ?? 0) & 128) == 0 && d.ContainsKey(q.Key),
                _ => d.ContainsKey(q.Key),
            };

            var acked = questions.Where(q => q.AckedAt is not null).ToArray();
            var settle = Stopwatch.StartNew();
            while (settle.Elapsed < TimeSpan.FromSeconds(120))
            {
                var (s, d) = (SlackAnswers(), DiscordAnswers());
                if (acked.All(q => Answered(q, s, d)))
                {
                    break;
                }

                await Task.Delay(500).ConfigureAwait(false);
            }

            await Task.Delay(TimeSpan.FromSeconds(5)).ConfigureAwait(false); // let any late double show up before counting
            await stopMonitor.CancelAsync().ConfigureAwait(false);
            await monitor.ConfigureAwait(false);
            var commandsAfter = await RedisCommandsAsync().ConfigureAwait(false);
            var byCommand = commandsAfter.Select(c => (c.Key, Calls: c.Value - commandsBefore.GetValueOrDefault(c.Key))).Where(c => c.Calls > 0).OrderByDescending(c => c.Calls).ToList();
            var commands = byCommand.Sum(c => c.Calls);
            var (slackAnswers, discordAnswers) = (SlackAnswers(), DiscordAnswers());
            int Count(Question q) => q.Slack ? slackAnswers.GetValueOrDefault(q.Key)?.Count ?? 0 : discordAnswers.GetValueOrDefault(q.Key)?.Count ?? 0;
            DateTimeOffset? FirstAnswer(Question q) => (q.Slack ? slackAnswers.GetValueOrDefault(q.Key) : discordAnswers.GetValueOrDefault(q.Key))?.Min();
            var once = acked.Count(q => Count(q) == 1 && Answered(q, slackAnswers, discordAnswers));
            var twice = acked.Count(q => Count(q) > 1);
            var none = acked.Count(q => !Answered(q, slackAnswers, discordAnswers));
            var unackedAnswered = questions.Count(q => q.AckedAt is null && Count(q) > 0);
            var latencies = acked.Select(q => FirstAnswer(q) is { } at ? (at - q.AckedAt!.Value).TotalMilliseconds : double.NaN).Where(x => !double.IsNaN(x)).Order().ToArray();
            static double Pct(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
            var lastAnswer = acked.Select(FirstAnswer).Where(a => a is not null).Max() ?? DateTimeOffset.UtcNow;
            var firstSent = questions.Min(q => q.SentAt);

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sent {total:N0} questions in {sendSeconds:0.0} s ({total / sendSeconds:0.0}/s): Slack {questions.Count(q => q.Slack):N0} (deliveries incl. retries {questions.Where(q => q.Slack).Sum(q => q.Deliveries):N0}, duplicates {slackDuplicates:N0}, given up {slackGivenUp:N0}), Discord {questions.Count(q => !q.Slack):N0} (duplicates {discordDuplicates:N0}, no response {discordUnacknowledged:N0}, a notice instead of the deferral {discordRefused:N0})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  acknowledged {acked.Length:N0}: answered exactly once {once:N0}, more than once {twice:N0}, not answered {none:N0}; unacknowledged but answered {unackedAnswered:N0}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  acknowledgement → answer: median {Pct(latencies, 0.5):0} ms, p99 {Pct(latencies, 0.99):0} ms, max {(latencies.Length == 0 ? double.NaN : latencies[^1]):0} ms; answered {latencies.Length:N0} in {(lastAnswer - firstSent).TotalSeconds:0.0} s ({latencies.Length / Math.Max(0.001, (lastAnswer - firstSent).TotalSeconds):0.0}/s)"));
            var scripts = byCommand.Where(c => c.Key is "evalsha" or "eval").Sum(c => c.Calls);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Redis round trips for scripts (EVALSHA/EVAL): {scripts:N0}, {scripts / (double)Math.Max(1, acked.Length):0.00} per acknowledged question (every replica's sweeps and renewals included)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Redis commands, those run inside scripts too: {commands:N0}, {commands / (double)Math.Max(1, acked.Length):0.0} per acknowledged question: {string.Join(", ", byCommand.Take(8).Select(c => $"{c.Key} {c.Calls:N0}"))}"));
            if (killed is not null && killedAt is { } k)
            {
                var orphans = acked.Where(q => q.AckedBy == killed).ToArray();
                var late = orphans.Select(FirstAnswer).Where(a => a is { } at && at > k).Select(a => (a!.Value - k).TotalSeconds).Order().ToArray();
                var takeOvers = replicas.Sum(r => r.Worker.Counted(TakeOverLine));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {killed} (SIGKILL) had acknowledged {orphans.Length:N0}; {late.Length:N0} of them answered after it died, the last {(late.Length == 0 ? 0 : late[^1]):0.0} s after the kill; take-overs logged by the other replicas: {takeOvers:N0}"));
            }

            if (restarted is not null)
            {
                Console.WriteLine($"  the SIGTERM'd replica drained and {restarted} took its place");
            }

            foreach (var line in replicas.SelectMany(r => r.Worker.Output.Select(l => (r.Name, l)))
                .Where(x => x.l.Contains("fail", StringComparison.OrdinalIgnoreCase) || x.l.Contains("error", StringComparison.OrdinalIgnoreCase)).TakeLast(10))
            {
                Console.WriteLine($"  {line.Name}: {line.l.Trim()}");
            }

            foreach (var q in acked.Where(q => Count(q) != 1 || !Answered(q, slackAnswers, discordAnswers)).Take(10))
            {
                Console.WriteLine($"  question {q.N} ({(q.Slack ? "Slack" : "Discord")} {q.Key}, acknowledged by {q.AckedBy}): {Count(q)} answer(s)");
            }

            // Shards across the replicas.
            var longest = gaps.OrderByDescending(g => g.Length).FirstOrDefault();
            var ownersAtEnd = await ShardOwnersAsync().ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  shards at the end: {ownersAtEnd}; IDENTIFYs {discord.Identifies.Count:N0}; interactions the proxy passed on to another replica after an error {loadBalancerRetries:N0} ({string.Join("; ", retried.GroupBy(r => r[(r.IndexOf(':') + 2)..]).Select(g => $"{g.Count()} × {g.Key}"))})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  shards held by two connections at once: {doubleHeld.Count:N0} samples; periods without a holder: {gaps.Count:N0}, the longest {longest.Length.TotalSeconds:0.0} s (shard {longest.Shard} from {(longest.From - runStart).TotalSeconds:0.0} s; allowed {gapBound.TotalSeconds:0.0} s)"));
            foreach (var gap in gaps.OrderBy(g => g.From))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    shard {gap.Shard}: no holder from {(gap.From - runStart).TotalSeconds:0.0} s for {gap.Length.TotalSeconds:0.0} s"));
            }

            foreach (var line in doubleHeld.Take(5))
            {
                Console.WriteLine("    " + line);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  gateway mentions: {questions.Count(q => q.Via == Via.Gateway):N0}, delivered {questions.Count(q => q.Via == Via.Gateway && q.AckedAt is not null):N0}, not delivered (no session could take it) {gatewayUndelivered:N0}, delivered twice on purpose {gatewayDuplicates:N0}; held for a resume while their shard changed hands {discord.HeldForResume:N0}, replayed on resumes {discord.Replayed:N0}, sessions resumed by another connection {discord.ResumedElsewhere:N0}"));
            foreach (var line in unacknowledged)
            {
                Console.WriteLine("  no response to a Discord interaction: " + line);
            }

            foreach (var line in reloadLines)
            {
                Console.WriteLine("  " + line);
            }

            var violations = discord.Violations.ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Discord emulator violations: {violations.Length:N0}"));
            foreach (var violation in violations.Take(10))
            {
                Console.WriteLine("    " + violation);
            }

            var failures = new List<string>();
            if (twice > 0)
            {
                failures.Add($"{twice} answered more than once");
            }

            if (none > 0)
            {
                failures.Add($"{none} acknowledged but not answered");
            }

            // Every question sent must have been taken: a Slack event given up after its retries, a Discord interaction
            // with no response (Discord shows "This interaction failed"), one answered with a notice instead of a
            // deferral, or a gateway mention no session could take would be a question lost.
            var notTaken = slackGivenUp + discordUnacknowledged + discordRefused + gatewayUndelivered;
            if (notTaken > 0)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{notTaken} questions not taken (Slack given up {slackGivenUp}, Discord no response {discordUnacknowledged}, a notice instead {discordRefused}, gateway undelivered {gatewayUndelivered})"));
            }

            if (!doubleHeld.IsEmpty)
            {
                failures.Add("a shard held by two connections at once");
            }

            if (gaps.Any(g => g.Length > gapBound))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"a shard without a holder for {longest.Length.TotalSeconds:0.0} s (allowed {gapBound.TotalSeconds:0.0} s)"));
            }

            if (reloadLate > 0 || reloadLines.IsEmpty)
            {
                failures.Add($"the reload did not show on every replica within {ReloadBound.TotalSeconds:0} s");
            }

            if (violations.Length > 0)
            {
                failures.Add($"{violations.Length} Discord protocol violations");
            }

            foreach (var key in redisServer.Keys(pattern: prefix + "*"))
            {
                await redisAdmin.GetDatabase().KeyDeleteAsync(key).ConfigureAwait(false);
            }

            Console.WriteLine(failures.Count == 0 ? "replicas: PASSED" : "replicas: FAILED: " + string.Join("; ", failures));
            return failures.Count == 0 ? 0 : 1;
        }
    }

    private static void SignDiscord(HttpRequestMessage request, byte[] body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signer = new Org.BouncyCastle.Crypto.Signers.Ed25519Signer();
        signer.Init(true, new Org.BouncyCastle.Crypto.Parameters.Ed25519PrivateKeyParameters(DiscordSeed));
        var message = Encoding.UTF8.GetBytes(timestamp).Concat(body).ToArray();
        signer.BlockUpdate(message, 0, message.Length);
        request.Headers.Add("X-Signature-Timestamp", timestamp);
        request.Headers.Add("X-Signature-Ed25519", Convert.ToHexStringLower(signer.GenerateSignature()));
    }
}
