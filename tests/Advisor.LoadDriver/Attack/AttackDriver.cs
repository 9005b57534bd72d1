using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Advisor.Testing.Slack;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Advisor.LoadDriver.Attack;

/// <summary>
/// The hardening scenarios, black-box against <c>advisor serve</c> in its own process on loopback, with the Slack Web
/// API and Discord REST played by the emulators in this process:
/// <list type="bullet">
/// <item><c>sigterm</c>: 50 accepted questions on each platform (Slack events over HTTP, Discord interactions over
/// HTTP), slow posts, SIGTERM as soon as the 50 acknowledgements are back → how many answers arrive;</item>
/// <item><c>bigbodies</c>: 16 parallel unsigned POSTs of 29 MB to each signed endpoint → the worker's peak memory;</item>
/// <item><c>overload</c>: pre-signed Slack events as fast as 64 connections can post them for N seconds → peak memory,
/// and whether every accepted event was answered or politely refused;</item>
/// <item><c>malformed</c>: odd but signed bodies → no 5xx;</item>
/// <item><c>unsigned</c>: unsigned and wrongly signed posts to every signed endpoint and <c>/admin/reload</c> for N
/// seconds (default 10) → how much the worker logs.</item>
/// </list>
/// </summary>
internal static partial class AttackDriver
{
    private const string SigningSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    private static readonly byte[] DiscordSeed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

    private static readonly string[] Questions =
    [
        "What skills does an AI Architect need?", "whats the education needed for an AI architect", "ai scientist vs mlre?",
        "what tools do ml research engineers use", "give me an overview of the AI scientist role",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var scenario = args.ElementAtOrDefault(0);
        var seconds = args.Length > 2 && args[1] == "--seconds" && int.TryParse(args[2], out var s) ? s : 30;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        return scenario switch
        {
            "sigterm" => await SigtermAsync().ConfigureAwait(false),
            "bigbodies" => await BigBodiesAsync().ConfigureAwait(false),
            "overload" => await OverloadAsync(seconds).ConfigureAwait(false),
            "malformed" => await MalformedAsync().ConfigureAwait(false),
            "flood" => await FloodAsync(seconds).ConfigureAwait(false),
            "unsigned" => await UnsignedAsync(args.Length > 2 ? seconds : 10).ConfigureAwait(false),
            "replicas" => await ReplicasAsync(args[1..]).ConfigureAwait(false),
            _ => Usage(),
        };
    }

    /// <summary>The "busy" notice a channel hears (once a minute) when its question was not taken on: not an answer.</summary>
    private static bool IsBusyNotice(JsonNode? body) =>
        ((string?)body?["text"])?.Contains(Advisor.Core.Turns.TurnNotice.BusyText, StringComparison.Ordinal) == true
        || ((string?)body?["text"])?.Contains("busy", StringComparison.OrdinalIgnoreCase) == true;

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Advisor.LoadDriver attack sigterm|bigbodies|overload [--seconds N]|flood [--seconds N]|malformed|unsigned [--seconds N]");
        Console.Error.WriteLine("       Advisor.LoadDriver attack replicas [--replicas 3] [--questions 3000] [--rate 50] [--calm] [--redis host:port] [--postgres CONNECTION]");
        return 2;
    }

    /// <summary>Worker settings: Slack over HTTP (signing secret, no app token) and Discord interactions over HTTP, both against the emulators.</summary>
    private static Dictionary<string, string> Settings(SlackEmulator slack, DiscordEmulator discord, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["Advisor__KnowledgePath"] = Path.Combine(RepoPaths.RepoRoot(), "knowledge"),
            ["Advisor__PromptsPath"] = Path.Combine(RepoPaths.RepoRoot(), "prompts"),
            ["Advisor__Model__Provider"] = "none",
            ["Advisor__Reload__WatchFiles"] = "false",
            ["Advisor__Slack__BotToken"] = EmulatorSettings.SlackBotToken,
            ["Advisor__Slack__SigningSecret"] = SigningSecret,
            ["Advisor__Slack__ApiBaseUrl"] = slack.ApiBase.ToString(),
            ["Advisor__Discord__Token"] = DiscordEmulator.Token,
            ["Advisor__Discord__ApplicationId"] = DiscordEmulator.ApplicationId,
            ["Advisor__Discord__PublicKey"] = Convert.ToHexStringLower(new Ed25519PrivateKeyParameters(DiscordSeed).GeneratePublicKey().GetEncoded()),
            ["Advisor__Discord__ApiBaseUrl"] = discord.ApiBaseUrl,
            ["Advisor__Conversations__QuestionsPerUserPerMinute"] = "1000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static async Task<(SlackEmulator Slack, DiscordEmulator Discord, WorkerProcess Worker)> StartAsync(params (string Key, string Value)[] extra)
    {
        var slack = await SlackEmulator.StartAsync().ConfigureAwait(false);
        var discord = await DiscordEmulator.StartAsync().ConfigureAwait(false);
        var worker = await WorkerProcess.StartAsync(Settings(slack, discord, extra), TimeSpan.FromSeconds(60)).ConfigureAwait(false);

        // The Discord adapter also opens the gateway (a bot token is set): complete the handshake so it is ready.
        var gateway = await discord.NextConnectionAsync().ConfigureAwait(false);
        await gateway.IdentifyAsync(EmulatorSettings.DiscordBotUserId, "attack-session").ConfigureAwait(false);
        return (slack, discord, worker);
    }

    private static async Task<int> SigtermAsync()
    {
        var (slack, discord, worker) = await StartAsync(("Advisor__Host__ShutdownTimeoutSeconds", "60"));
        await using (slack)
        await using (discord)
        await using (worker)
        {
            // Every post takes 0.2–1 s, as on a busy day (Slack's emulator: a fixed 0.6 s; Discord's: drawn per request).
            var random = new Random(7);
            slack.PostLatency = TimeSpan.FromMilliseconds(600);
            discord.ResponseLatency = () => TimeSpan.FromMilliseconds(200 + random.Next(800));

            using var http = new HttpClient { BaseAddress = worker.BaseAddress };
            const int n = 50;
            var slackAcks = Enumerable.Range(0, n).Select(i => PostSlackEventAsync(http, SlackEmulator.Mention(Questions[i % Questions.Length], $"1700000000.{i:D6}", $"EvTerm{i}", $"CT{i}"))).ToArray();
            var discordAcks = Enumerable.Range(0, n).Select(i => PostDiscordAsync(http, AskInteraction($"55{i:D16}", Questions[i % Questions.Length]))).ToArray();
            var statuses = await Task.WhenAll(slackAcks.Concat(discordAcks)).ConfigureAwait(false);
            var acked = statuses.Count(c => c == HttpStatusCode.OK);
            worker.Terminate();
            var clock = Stopwatch.StartNew();
            var exited = await worker.WaitForExitAsync(TimeSpan.FromSeconds(90)).ConfigureAwait(false);

            var slackAnswers = slack.Calls.Where(c => c.Method == "chat.postMessage" && c.Status == 200 && ((string?)c.Body["channel"])?.StartsWith("CT", StringComparison.Ordinal) == true)
                .Select(c => (string?)c.Body["channel"]).Distinct().Count();
            var discordAnswers = discord.Requests.Where(r => r.Path.Contains("/webhooks/", StringComparison.Ordinal) && r.Path.Contains("tok-55", StringComparison.Ordinal) && r.Method is "PATCH" or "POST")
                .Select(r => r.Path.Split('/').First(p => p.StartsWith("tok-55", StringComparison.Ordinal))).Distinct().Count();
            Console.WriteLine($"sigterm: {acked}/{2 * n} acknowledged before SIGTERM; worker exited: {exited} (code {(exited ? worker.ExitCode : -1)}) after {clock.Elapsed.TotalSeconds:0.0} s");
            Console.WriteLine($"  Slack answers posted: {slackAnswers}/{n}");
            Console.WriteLine($"  Discord answers posted: {discordAnswers}/{n}");
            return slackAnswers == n && discordAnswers == n ? 0 : 1;
        }
    }

    private static async Task<int> BigBodiesAsync()
    {
        var (slack, discord, worker) = await StartAsync();
        await using (slack)
        await using (discord)
        await using (worker)
        {
            var before = worker.RssBytes();
            var results = new ConcurrentBag<string>();
            async Task PostHugeAsync(string path)
            {
                using var http = new HttpClient { BaseAddress = worker.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
                using var content = new StreamContent(new FillerStream(29_000_000));
                content.Headers.ContentLength = 29_000_000;
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                try
                {
                    using var response = await http.PostAsync(path, content).ConfigureAwait(false);
                    results.Add($"{path} {(int)response.StatusCode}");
                }
                catch (HttpRequestException ex)
                {
                    results.Add($"{path} connection closed ({ex.HttpRequestError})");
                }
            }

            var peak = 0L;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, worker.RssBytes());
                    await Task.Delay(50).ConfigureAwait(false);
                }
            });
            foreach (var path in new[] { "/discord/interactions", "/slack/events" })
            {
                await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => PostHugeAsync(path))).ConfigureAwait(false);
            }

            await Task.Delay(1000).ConfigureAwait(false);
            await sampling.CancelAsync().ConfigureAwait(false);
            await sampler.ConfigureAwait(false);
            var after = worker.RssBytes();
            Console.WriteLine($"bigbodies: 2 × 16 parallel unsigned POSTs of 29,000,000 bytes");
            foreach (var group in results.GroupBy(r => r).OrderBy(g => g.Key))
            {
                Console.WriteLine($"  {group.Count()} × {group.Key}");
            }

            Console.WriteLine($"  worker memory (RSS): {Mb(before)} before, peak {Mb(peak)} (high-water mark {Mb(worker.PeakRssBytes())}), {Mb(after)} after");
            return worker.PeakRssBytes() < 300L * 1024 * 1024 ? 0 : 1;
        }
    }

    private static async Task<int> OverloadAsync(int seconds)
    {
        var (slack, discord, worker) = await StartAsync();
        await using (slack)
        await using (discord)
        await using (worker)
        {
            const int connections = 64;
            var accepted = new ConcurrentDictionary<string, byte>();
            long sent = 0, ok = 0, unavailable = 0, other = 0, failed = 0;
            var peak = 0L;
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections };
            using var http = new HttpClient(handler) { BaseAddress = worker.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            // Pre-built, pre-signed events (the driver's CPU goes to sending, not to building JSON): each connection
            // cycles through its own, with a fresh event id and ts each time round.
            const int perConnection = 6000;
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var prepared = Enumerable.Range(0, connections).Select(c => Enumerable.Range(0, perConnection).Select(i =>
            {
                var ts = $"1700000000.{c:D3}{i:D7}";
                var body = Encoding.UTF8.GetBytes(SlackEmulator.Mention(Questions[i % Questions.Length], ts, $"EvO{c}-{i}", $"CO{(c * 7919 + i) % 2000}", user: $"UO{i % 5000}").ToJsonString());
                return (Ts: ts, Body: body, Signature: Sign(timestamp, body));
            }).ToArray()).ToArray();
            var stop = DateTime.UtcNow.AddSeconds(seconds);
            var clock = Stopwatch.StartNew();
            var senders = Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
            {
                for (var i = 0; DateTime.UtcNow < stop && i < perConnection; i++)
                {
                    var (ts, body, signature) = prepared[c][i];
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new ByteArrayContent(body) };
                        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
                        request.Headers.Add("X-Slack-Signature", signature);
                        using var response = await http.SendAsync(request).ConfigureAwait(false);
                        Interlocked.Increment(ref sent);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            Interlocked.Increment(ref ok);
                            accepted[ts] = 0;
                        }
                        else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                        {
                            Interlocked.Increment(ref unavailable);
                        }
                        else
                        {
                            Interlocked.Increment(ref other);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            })).ToArray();
            var sampler = Task.Run(async () =>
            {
                while (senders.Any(t => !t.IsCompleted))
                {
                    peak = Math.Max(peak, worker.RssBytes());
                    await Task.Delay(100).ConfigureAwait(false);
                }
            });
            await Task.WhenAll(senders).ConfigureAwait(false);
            var sendSeconds = clock.Elapsed.TotalSeconds;
            await sampler.ConfigureAwait(false);

            // Every accepted event must end in a post in its thread: an answer or a "busy" notice.
            HashSet<string> Replied() => slack.Calls.Where(c => c.Method == "chat.postMessage" && c.Status == 200)
                .Select(c => (string?)c.Body["thread_ts"]).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var settle = Stopwatch.StartNew();
            while (settle.Elapsed < TimeSpan.FromSeconds(300) && Replied() is var now && accepted.Keys.Any(k => !now.Contains(k)))
            {
                peak = Math.Max(peak, worker.RssBytes());
                await Task.Delay(1000).ConfigureAwait(false);
            }

            var replied = Replied();
            var missing = accepted.Keys.Count(k => !replied.Contains(k));
            var busy = slack.Calls.Count(c => c.Method == "chat.postMessage" && c.Status == 200 && IsBusyNotice(c.Body));
            Console.WriteLine($"overload: {connections} connections posting signed app_mention events for {seconds} s");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sent {sent:N0} ({sent / sendSeconds:N0}/s): {ok:N0} accepted (200), {unavailable:N0} refused (503), {other:N0} other, {failed:N0} failed"));
            Console.WriteLine($"  of the accepted: {accepted.Count - missing:N0} got a reply in their thread ({busy:N0} of the replies were busy notices), {missing:N0} got none after {settle.Elapsed.TotalSeconds:0} s more");
            Console.WriteLine($"  worker memory (RSS): peak {Mb(peak)}, high-water mark {Mb(worker.PeakRssBytes())}");
            foreach (var line in worker.Output.Where(l => l.Contains("warn", StringComparison.OrdinalIgnoreCase) || l.Contains("fail", StringComparison.OrdinalIgnoreCase)).TakeLast(8))
            {
                Console.WriteLine("  worker: " + line.Trim());
            }

            var methods = slack.Calls.GroupBy(c => (c.Method, c.Status)).OrderByDescending(g => g.Count()).Take(8).Select(g => $"{g.Key.Method} {g.Key.Status}: {g.Count():N0}");
            Console.WriteLine("  Slack API calls: " + string.Join(", ", methods));
            if (worker.HasExited)
            {
                Console.WriteLine($"  the worker EXITED (code {worker.ExitCode}); its last lines:\n    " + string.Join("\n    ", worker.Output.TakeLast(30)));
                return 1;
            }

            return missing == 0 && peak < 500L * 1024 * 1024 ? 0 : 1;
        }
    }

    /// <summary>
    /// The overload again, sent by wrk (Debian's <c>wrk</c>, a C load generator, far lighter than this process) from
    /// pre-signed events, so that the sending rate is not limited by the driver sharing the machine's cores. Counts the
    /// responses by status, then checks that as many questions were answered as were accepted.
    /// </summary>
    private static async Task<int> FloodAsync(int seconds)
    {
        if (!File.Exists("/usr/bin/wrk"))
        {
            Console.Error.WriteLine("flood needs wrk (apt-get install wrk)");
            return 2;
        }

        var (slack, discord, worker) = await StartAsync();
        await using (slack)
        await using (discord)
        await using (worker)
        {
            var folder = Directory.CreateTempSubdirectory("advisor-flood-");
            try
            {
                const int events = 500_000;
                var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                var requests = Path.Combine(folder.FullName, "requests.tsv");
                await using (var writer = new StreamWriter(requests))
                {
                    for (var i = 0; i < events; i++)
                    {
                        var body = Encoding.UTF8.GetBytes(SlackEmulator.Mention(Questions[i % Questions.Length], $"1700000000.{i:D9}", $"EvF{i}", $"CF{i % 2000}", user: $"UF{i % 5000}").ToJsonString());
                        await writer.WriteLineAsync($"{Sign(timestamp, body)}\t{Encoding.UTF8.GetString(body)}").ConfigureAwait(false);
                    }
                }

                var script = Path.Combine(folder.FullName, "flood.lua");
                await File.WriteAllTextAsync(script, WrkScript(requests, timestamp)).ConfigureAwait(false);
                var peak = 0L;
                using var sampling = new CancellationTokenSource();
                var sampler = Task.Run(async () =>
                {
                    while (!sampling.IsCancellationRequested)
                    {
                        peak = Math.Max(peak, worker.RssBytes());
                        await Task.Delay(100).ConfigureAwait(false);
                    }
                });
                var wrk = Process.Start(new ProcessStartInfo("wrk", ["-t2", "-c64", $"-d{seconds}s", "--timeout", "10s", "-s", script, new Uri(worker.BaseAddress, "/slack/events").ToString()])
                {
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                })!;
                var report = await wrk.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
                await wrk.WaitForExitAsync().ConfigureAwait(false);
                var statusLine = report.Split('\n').FirstOrDefault(l => l.StartsWith("STATUS", StringComparison.Ordinal)) ?? "";
                long Count(string key) => long.TryParse(statusLine.Split(' ').FirstOrDefault(p => p.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..], out var v) ? v : -1;
                var accepted = Count("ok");

                // Every accepted event must be answered: as many distinct threads answered (not counting busy notices) as 200s.
                int Answered() => slack.Calls.Where(c => c.Method == "chat.postMessage" && c.Status == 200 && !IsBusyNotice(c.Body))
                    .Select(c => (string?)c.Body["thread_ts"]).Distinct().Count();
                int Notices() => slack.Calls.Count(c => c.Method == "chat.postMessage" && c.Status == 200 && IsBusyNotice(c.Body));
                var settle = Stopwatch.StartNew();
                while (settle.Elapsed < TimeSpan.FromSeconds(300) && Answered() < accepted)
                {
                    peak = Math.Max(peak, worker.RssBytes());
                    await Task.Delay(1000).ConfigureAwait(false);
                }

                await sampling.CancelAsync().ConfigureAwait(false);
                await sampler.ConfigureAwait(false);
                var answered = Answered();
                Console.WriteLine($"flood: wrk, 2 threads, 64 connections, {seconds} s of pre-signed app_mention events");
                foreach (var line in report.Split('\n').Where(l => l.Contains("Requests/sec", StringComparison.Ordinal) || l.Contains("requests in", StringComparison.Ordinal) || l.Contains("Latency", StringComparison.Ordinal) || l.Contains("Socket errors", StringComparison.Ordinal)))
                {
                    Console.WriteLine("  wrk: " + line.Trim());
                }

                Console.WriteLine($"  responses: {accepted:N0} accepted (200), {Count("busy"):N0} refused (503), {Count("other"):N0} other");
                Console.WriteLine($"  answered: {answered:N0} of the {accepted:N0} accepted (settled {settle.Elapsed.TotalSeconds:0} s after the flood); busy notices: {Notices():N0}");
                Console.WriteLine($"  worker memory (RSS): peak {Mb(peak)}, high-water mark {Mb(worker.PeakRssBytes())}");
                return accepted >= 0 && answered >= accepted && Count("other") == 0 && peak < 500L * 1024 * 1024 ? 0 : 1;
            }
            finally
            {
                folder.Delete(recursive: true);
            }
        }
    }

    /// <summary>A wrk script: each thread cycles through its share of the pre-signed requests and counts responses by status.</summary>
    private static string WrkScript(string requests, string timestamp) => $$"""
        local threads = {}
        local count = 0
        function setup(thread)
          thread:set("id", count)
          count = count + 1
          table.insert(threads, thread)
        end
        function init(args)
          ok = 0; busy = 0; other = 0
          bodies = {}; signatures = {}
          local n = 0
          for line in io.lines("{{requests}}") do
            n = n + 1
            if n % 2 == id then
              local tab = string.find(line, "\t", 1, true)
              table.insert(signatures, string.sub(line, 1, tab - 1))
              table.insert(bodies, string.sub(line, tab + 1))
            end
          end
          next = 1
        end
        function request()
          local i = next
          next = next + 1
          if next > #bodies then next = 1 end
          return wrk.format("POST", nil, {
            ["Content-Type"] = "application/json",
            ["X-Slack-Request-Timestamp"] = "{{timestamp}}",
            ["X-Slack-Signature"] = signatures[i],
          }, bodies[i])
        end
        function response(status, headers, body)
          if status == 200 then ok = ok + 1 elseif status == 503 then busy = busy + 1 else other = other + 1 end
        end
        function done(summary, latency, requests)
          local o, b, x = 0, 0, 0
          for _, t in ipairs(threads) do
            o = o + t:get("ok"); b = b + t:get("busy"); x = x + t:get("other")
          end
          io.write(string.format("STATUS ok=%d busy=%d other=%d\n", o, b, x))
        end
        """;

    private static async Task<int> UnsignedAsync(int seconds)
    {
        var (slack, discord, worker) = await StartAsync(("Advisor__Admin__Token", "attack-admin-token-0123456789"));
        await using (slack)
        await using (discord)
        await using (worker)
        {
            var before = worker.OutputBytes;
            var requests = new long[4];
            using var http = new HttpClient { BaseAddress = worker.BaseAddress };
            var until = DateTime.UtcNow.AddSeconds(seconds);
            var body = "{\"type\":\"event_callback\",\"event\":{\"type\":\"app_mention\",\"text\":\"hi\"}}"u8.ToArray();
            async Task LoopAsync(int kind)
            {
                while (DateTime.UtcNow < until)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, kind switch { 0 => "/slack/events", 1 => "/slack/commands", 2 => "/discord/interactions", _ => "/admin/reload" })
                    {
                        Content = new ByteArrayContent(body),
                    };
                    if (kind == 1)
                    {
                        request.Content = new StringContent("command=%2Fask&text=hi&user_id=U1&channel_id=C1", Encoding.UTF8, "application/x-www-form-urlencoded");
                        request.Content.Headers.TryAddWithoutValidation("X-Slack-Request-Timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
                        request.Content.Headers.TryAddWithoutValidation("X-Slack-Signature", "v0=" + new string('0', 64));
                    }
                    else if (kind == 3)
                    {
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-token");
                    }

                    using var response = await http.SendAsync(request).ConfigureAwait(false);
                    Interlocked.Increment(ref requests[kind]);
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => LoopAsync(i % 4)))).ConfigureAwait(false);
            await Task.Delay(1000).ConfigureAwait(false);
            var logged = worker.OutputBytes - before;
            Console.WriteLine($"unsigned: {seconds} s, 16 connections: {requests[0]:N0} unsigned /slack/events, {requests[1]:N0} wrongly signed /slack/commands, {requests[2]:N0} unsigned /discord/interactions, {requests[3]:N0} wrong-token /admin/reload");
            Console.WriteLine($"  the worker wrote {logged:N0} bytes of log meanwhile; its last lines:");
            foreach (var line in worker.Output.TakeLast(6))
            {
                Console.WriteLine("    " + line);
            }

            return logged < 1_000_000 ? 0 : 1;
        }
    }

    private static async Task<int> MalformedAsync()
    {
        var (slack, discord, worker) = await StartAsync();
        await using (slack)
        await using (discord)
        await using (worker)
        {
            using var http = new HttpClient { BaseAddress = worker.BaseAddress };
            var bodies = new List<byte[]>
            {
                "[1,2,3]"u8.ToArray(), "null"u8.ToArray(), "{}"u8.ToArray(), "\"text\""u8.ToArray(), "{\"event\":{\"type\":7}}"u8.ToArray(),
                "{\"type\":\"event_callback\",\"event\":null}"u8.ToArray(), "{\"type\":\"event_callback\",\"event\":{\"type\":\"app_mention\",\"text\":[1]}}"u8.ToArray(),
                "{\"type\":\"url_verification\",\"challenge\":{}}"u8.ToArray(), "{\"type\":2,\"data\":{\"name\":\"ask\",\"options\":[{\"name\":\"question\",\"value\":7}]}}"u8.ToArray(),
                "{\"type\":2,\"id\":\"1\",\"token\":\"t\",\"data\":null}"u8.ToArray(), "{\"type\":\"a\"}"u8.ToArray(), "{"u8.ToArray(), Array.Empty<byte>(),
            };
            var invalidUtf8 = Encoding.UTF8.GetBytes("{\"type\":\"event_callback\",\"event_id\":\"EvBad\",\"event\":{\"type\":\"app_mention\",\"user\":\"U1\",\"channel\":\"C1\",\"ts\":\"1.1\",\"text\":\"X\"}}");
            invalidUtf8[invalidUtf8.Length - 5] = 0xC3; // a lone lead byte inside the text
            bodies.Add(invalidUtf8);
            var discordUtf8 = Encoding.UTF8.GetBytes("{\"type\":2,\"id\":\"9\",\"token\":\"tok\",\"application_id\":\"1\",\"channel_id\":\"2\",\"member\":{\"user\":{\"id\":\"3\"}},\"data\":{\"name\":\"ask\",\"options\":[{\"name\":\"question\",\"value\":\"Xy\"}]}}");
            discordUtf8[discordUtf8.Length - 7] = 0xFF;
            bodies.Add(discordUtf8);

            var results = new List<(string Path, int Status)>();
            foreach (var body in bodies)
            {
                results.Add(("/slack/events", (int)await PostSlackRawAsync(http, "/slack/events", body, "application/json").ConfigureAwait(false)));
                results.Add(("/slack/commands", (int)await PostSlackRawAsync(http, "/slack/commands", body, "application/x-www-form-urlencoded").ConfigureAwait(false)));
                results.Add(("/slack/interactivity", (int)await PostSlackRawAsync(http, "/slack/interactivity", Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(Encoding.UTF8.GetString(body))), "application/x-www-form-urlencoded").ConfigureAwait(false)));
                results.Add(("/discord/interactions", (int)await PostDiscordRawAsync(http, body).ConfigureAwait(false)));
            }

            var errors = results.Count(r => r.Status >= 500);
            Console.WriteLine($"malformed: {bodies.Count} odd but signed bodies × 4 endpoints = {results.Count} requests");
            foreach (var group in results.GroupBy(r => (r.Path, r.Status)).OrderBy(g => g.Key.Path).ThenBy(g => g.Key.Status))
            {
                Console.WriteLine($"  {group.Key.Path} → {group.Key.Status}: {group.Count()}");
            }

            Console.WriteLine($"  5xx responses: {errors}");
            return errors == 0 ? 0 : 1;
        }
    }

    private static string Sign(string timestamp, byte[] body) =>
        "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningSecret), Encoding.UTF8.GetBytes($"v0:{timestamp}:").Concat(body).ToArray()));

    private static Task<HttpStatusCode> PostSlackEventAsync(HttpClient http, JsonObject callback) =>
        PostSlackRawAsync(http, "/slack/events", Encoding.UTF8.GetBytes(callback.ToJsonString()), "application/json");

    private static async Task<HttpStatusCode> PostSlackRawAsync(HttpClient http, string path, byte[] body, string contentType)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningSecret), Encoding.UTF8.GetBytes($"v0:{timestamp}:").Concat(body).ToArray());
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", "v0=" + Convert.ToHexStringLower(mac));
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        return response.StatusCode;
    }

    private static Task<HttpStatusCode> PostDiscordAsync(HttpClient http, JsonObject interaction) =>
        PostDiscordRawAsync(http, Encoding.UTF8.GetBytes(interaction.ToJsonString()));

    private static async Task<HttpStatusCode> PostDiscordRawAsync(HttpClient http, byte[] body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signer = new Ed25519Signer();
        signer.Init(true, new Ed25519PrivateKeyParameters(DiscordSeed));
        var message = Encoding.UTF8.GetBytes(timestamp).Concat(body).ToArray();
        signer.BlockUpdate(message, 0, message.Length);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/discord/interactions") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Signature-Timestamp", timestamp);
        request.Headers.Add("X-Signature-Ed25519", Convert.ToHexStringLower(signer.GenerateSignature()));
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        return response.StatusCode;
    }

    private static JsonObject AskInteraction(string id, string question) => new()
    {
        ["id"] = id,
        ["application_id"] = DiscordEmulator.ApplicationId,
        ["type"] = 2,
        ["token"] = "tok-" + id,
        ["version"] = 1,
        ["guild_id"] = "290926798626357999",
        ["channel_id"] = "645027906669510" + id[^3..],
        ["member"] = new JsonObject { ["user"] = new JsonObject { ["id"] = "5390823250618" + id[^4..], ["username"] = "Mason" }, ["roles"] = new JsonArray(), ["permissions"] = "0" },
        ["data"] = new JsonObject { ["id"] = "1", ["name"] = "ask", ["type"] = 1, ["options"] = new JsonArray(new JsonObject { ["name"] = "question", ["type"] = 3, ["value"] = question }) },
    };

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0} MB");

    /// <summary>A body of the given length, made up as it is read (the driver holds none of it).</summary>
    private sealed class FillerStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            buffer.AsSpan(offset, n).Fill((byte)'a');
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
