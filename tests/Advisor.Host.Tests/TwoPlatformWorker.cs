using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Advisor.Testing.Slack;

namespace Advisor.Host.Tests;

/// <summary>
/// One real worker (AdvisorServer on Kestrel at 127.0.0.1) with Slack over Socket Mode and Discord over the gateway,
/// both pointed at their loopback emulators, serving a temp copy of the repository's knowledge folder.
/// </summary>
internal sealed class TwoPlatformWorker : IAsyncDisposable
{
    public const string GuildId = "111000000000000001";

    /// <summary>Polling deadline for anything the worker does asynchronously (generous: the machine may be loaded).</summary>
    public const int Deadline = 30;

    private long _slackTs = 1_700_000_000_000_000;
    private long _discordId = 5_000_000_000_000_000;

    private TwoPlatformWorker(TempKnowledge knowledge, SlackEmulator slack, DiscordEmulator discord, TestWorker worker, GatewayConnection gateway)
    {
        Knowledge = knowledge;
        Slack = slack;
        Discord = discord;
        Worker = worker;
        Gateway = gateway;
    }

    public TempKnowledge Knowledge { get; }

    public SlackEmulator Slack { get; }

    public DiscordEmulator Discord { get; }

    public TestWorker Worker { get; }

    public GatewayConnection Gateway { get; }

    public static async Task<TwoPlatformWorker> StartAsync(IDictionary<string, string?>? extra = null)
    {
        var knowledge = Paths.CopyKnowledge();
        var slack = await SlackEmulator.StartAsync();
        var discord = await DiscordEmulator.StartAsync();
        var settings = EmulatorSettings.For(slack, discord);
        settings["Advisor:Admin:Token"] = TestWorker.AdminToken;
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var worker = await TestWorker.StartAsync(knowledge.Folder, settings);
        var gateway = await discord.NextConnectionAsync();
        await gateway.IdentifyAsync(EmulatorSettings.DiscordBotUserId, "e2e-session");
        var started = new TwoPlatformWorker(knowledge, slack, discord, worker, gateway);
        await Eventually.TrueAsync(() => slack.OpenConnections == 1, "the Slack Socket Mode connection", Deadline);
        return started;
    }

    /// <summary>Posts to /admin/reload with or without the bearer token.</summary>
    public async Task<HttpResponseMessage> AdminReloadAsync(bool withToken = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/reload");
        if (withToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestWorker.AdminToken);
        }

        return await Worker.Http.SendAsync(request);
    }

    /// <summary>GET /readyz until it says ready (200), then its JSON.</summary>
    public async Task<JsonElement> ReadyAsync()
    {
        JsonElement body = default;
        await Eventually.TrueAsync(
            async () =>
            {
                using var response = await Worker.Http.GetAsync("/readyz");
                body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                return response.IsSuccessStatusCode;
            },
            "/readyz to turn ready",
            Deadline);
        return body;
    }

    /// <summary>Mentions the bot in a Slack channel (Socket Mode events_api envelope); returns the message ts the answer threads under.</summary>
    public async Task<string> AskSlackAsync(string question, string user)
    {
        var n = Interlocked.Increment(ref _slackTs);
        var ts = FormattableString.Invariant($"{n / 1_000_000}.{n % 1_000_000:D6}");
        await Slack.SendEventAsync(SlackEmulator.Mention(question, ts, "Ev" + Guid.NewGuid().ToString("N")[..10], user: user));
        return ts;
    }

    /// <summary>Mentions the bot in a Discord channel (gateway MESSAGE_CREATE); returns the message id the answer replies to.</summary>
    public async Task<string> AskDiscordAsync(string question, string user, string channel = "222000000000000001")
    {
        var id = Interlocked.Increment(ref _discordId).ToString(CultureInfo.InvariantCulture);
        await Gateway.DispatchNextAsync("MESSAGE_CREATE", DiscordEmulator.MessageCreate(id, channel, GuildId, user, question, EmulatorSettings.DiscordBotUserId));
        return id;
    }

    public IReadOnlyList<JsonObject> SlackRepliesTo(string ts) =>
        Slack.Posts.Where(p => (string?)p.Body["thread_ts"] == ts).Select(p => p.Body).ToList();

    public IReadOnlyList<JsonNode> DiscordRepliesTo(string id) =>
        Discord.Requests.Where(r => DiscordEmulator.IsReplyTo(r, id)).Select(r => r.Body!).ToList();

    public async Task<JsonObject> SlackAnswerAsync(string ts)
    {
        await Eventually.TrueAsync(() => SlackRepliesTo(ts).Count > 0, "the Slack answer to " + ts, Deadline);
        return SlackRepliesTo(ts).Single();
    }

    public async Task<JsonNode> DiscordAnswerAsync(string id)
    {
        await Eventually.TrueAsync(() => DiscordRepliesTo(id).Count > 0, "the Discord answer to " + id, Deadline);
        return DiscordRepliesTo(id).Single();
    }

    /// <summary>The citation labels of a Slack answer (its context blocks' "[n] Article › Section › Role").</summary>
    public static IReadOnlyList<string> SlackCitations(JsonObject post) =>
        ((post["blocks"] as JsonArray) ?? [])
            .Where(b => (string?)b?["type"] == "context")
            .SelectMany(b => (b!["elements"] as JsonArray) ?? [])
            .Select(e => (string?)e?["text"] ?? "")
            .Where(t => t.StartsWith('[') && t.Contains(" › ", StringComparison.Ordinal))
            .ToList();

    /// <summary>The whole visible text of a Slack answer (text and every block).</summary>
    public static string SlackText(JsonObject post) => post.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>The citation labels of a Discord answer (its embed fields named "Article › Section › Role").</summary>
    public static IReadOnlyList<string> DiscordCitations(JsonNode message) =>
        ((message["embeds"] as JsonArray) ?? [])
            .SelectMany(e => (e?["fields"] as JsonArray) ?? [])
            .Select(f => (string?)f?["name"] ?? "")
            .Where(n => n.Contains(" › ", StringComparison.Ordinal))
            .ToList();

    public static string DiscordText(JsonNode message) => message.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public async ValueTask DisposeAsync()
    {
        await Worker.DisposeAsync();
        await Discord.DisposeAsync();
        await Slack.DisposeAsync();
        Knowledge.Dispose();
    }
}
