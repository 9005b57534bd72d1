using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Advisor.Testing.Slack;

/// <summary>
/// Interactivity as Slack delivers it (BRIEF-2 S4; docs.slack.dev/reference/interaction-payloads/block_actions-payload
/// and view-interactions-payload): payloads built from what the emulator stored (a click on an element the message
/// really has; a submission of a modal the app really opened), POSTed form-encoded (<c>payload=</c>) and signed like
/// Slack (BRIEF B5) to a worker's /slack/interactivity, or sent over Socket Mode in an <c>interactive</c> envelope.
/// </summary>
public sealed partial class SlackEmulator
{
    /// <summary>The api_app_id in payloads (as in hello's connection_info).</summary>
    public const string AppId = "A111";

    private static readonly HttpClient Http = new();

    /// <summary>
    /// A <c>block_actions</c> payload: <paramref name="user"/> clicks the element with <paramref name="actionId"/> on a
    /// stored message (its current version). The element must be there (else <see cref="InvalidOperationException"/>);
    /// its type and block_id come from the message. <paramref name="value"/>: a button's or icon_button's own value when
    /// null; for <c>feedback_buttons</c> the positive or negative button's value (positive when null); for a select the
    /// chosen option's value. Carries a fresh trigger_id (for views.open) and a response_url that acts on this message.
    /// </summary>
    public JsonObject BlockActions(StoredMessage message, string actionId, string? value = null, string user = "U222")
    {
        ArgumentNullException.ThrowIfNull(message);
        var current = Find(message.Channel, message.Ts)?.Message.DeepClone().AsObject() ?? message.Message.DeepClone().AsObject();
        var (block, element) = ElementOf(current, actionId)
            ?? throw new InvalidOperationException($"message {message.Ts} has no element with action_id '{actionId}' (it has: {string.Join(", ", ActionIds(current))})");
        var action = new JsonObject
        {
            ["type"] = (string?)element["type"],
            ["action_id"] = actionId,
            ["block_id"] = (string?)block["block_id"],
            ["action_ts"] = NowTs(),
        };
        switch ((string?)element["type"])
        {
            case "feedback_buttons":
                var positive = (string?)element["positive_button"]?["value"];
                var negative = (string?)element["negative_button"]?["value"];
                var chosen = value ?? positive;
                if (chosen != positive && chosen != negative)
                {
                    throw new InvalidOperationException($"feedback_buttons '{actionId}' has the values '{positive}' and '{negative}', not '{value}'");
                }

                action["value"] = chosen;
                action["text"] = (chosen == positive ? element["positive_button"] : element["negative_button"])?["text"]?.DeepClone();
                break;
            case "static_select" or "external_select":
                var option = (element["options"] as JsonArray ?? [])
                    .Concat((element["option_groups"] as JsonArray ?? []).SelectMany(g => g?["options"] as JsonArray ?? []))
                    .OfType<JsonObject>().FirstOrDefault(o => (string?)o["value"] == value);
                action["selected_option"] = option?.DeepClone() ?? new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = value }, ["value"] = value };
                break;
            default:
                action["value"] = value ?? (string?)element["value"];
                if (element["text"] is JsonObject text)
                {
                    action["text"] = text.DeepClone();
                }

                break;
        }

        return BlockActions(message.Channel, message.Ts, message.ThreadTs, action, user, current);
    }

    /// <summary>
    /// A <c>block_actions</c> payload with an action as given (any fields), on a message in a channel (stored or not),
    /// with a fresh trigger_id and a response_url that acts on that message.
    /// </summary>
    public JsonObject BlockActions(string channel, string messageTs, string? threadTs, JsonObject action, string user = "U222", JsonObject? message = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        var responseUrl = NewResponseUrl();
        lock (_gate)
        {
            _responseTargets[responseUrl.Split('/')[^1]] = (channel, messageTs);
        }

        message ??= Find(channel, messageTs)?.Message.DeepClone().AsObject() ?? new JsonObject { ["type"] = "message", ["ts"] = messageTs };
        var container = new JsonObject
        {
            ["type"] = "message",
            ["message_ts"] = messageTs,
            ["channel_id"] = channel,
            ["is_ephemeral"] = false,
        };
        if (threadTs is not null)
        {
            container["thread_ts"] = threadTs;
        }

        return new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = User(user),
            ["api_app_id"] = AppId,
            ["token"] = "verification-token",
            ["container"] = container,
            ["trigger_id"] = NewTriggerId(user),
            ["team"] = new JsonObject { ["id"] = TeamId, ["domain"] = "example" },
            ["enterprise"] = null,
            ["is_enterprise_install"] = false,
            ["channel"] = new JsonObject { ["id"] = channel, ["name"] = channel.StartsWith('D') ? "directmessage" : "general" },
            ["message"] = message,
            ["state"] = new JsonObject { ["values"] = new JsonObject() },
            ["response_url"] = responseUrl,
            ["actions"] = new JsonArray(action.DeepClone()),
        };
    }

    /// <summary>
    /// A <c>view_submission</c> payload: <paramref name="user"/> submits a modal the app opened (its current version),
    /// with <c>view.state.values[block_id][action_id]</c> for every input block: the <paramref name="inputs"/> given
    /// (each must name an input block and its element, else <see cref="InvalidOperationException"/>), empty for the
    /// rest; the view's callback_id, private_metadata and hash as the app set them.
    /// </summary>
    public JsonObject ViewSubmission(SlackView view, string user = "U222", params SlackInput[] inputs)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(inputs);
        var shown = view.View;
        var values = new JsonObject();
        var inputBlocks = (shown["blocks"] as JsonArray ?? []).OfType<JsonObject>().Where(b => (string?)b["type"] == "input").ToList();
        foreach (var input in inputs)
        {
            if (!inputBlocks.Any(b => (string?)b["block_id"] == input.BlockId && (string?)b["element"]?["action_id"] == input.ActionId))
            {
                throw new InvalidOperationException($"view {view.Id} has no input block '{input.BlockId}' with an element '{input.ActionId}'");
            }
        }

        foreach (var block in inputBlocks)
        {
            var blockId = (string)block["block_id"]!;
            var element = block["element"] as JsonObject ?? [];
            var actionId = (string?)element["action_id"] ?? "";
            var type = (string?)element["type"] ?? "plain_text_input";
            var given = inputs.FirstOrDefault(i => i.BlockId == blockId && i.ActionId == actionId);
            var state = new JsonObject { ["type"] = type };
            if (type.EndsWith("_select", StringComparison.Ordinal))
            {
                state["selected_option"] = given is null ? null : new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = given.Value }, ["value"] = given.Value };
            }
            else
            {
                state["value"] = given?.Value;
            }

            values[blockId] = new JsonObject { [actionId] = state };
        }

        shown["state"] = new JsonObject { ["values"] = values };
        return new JsonObject
        {
            ["type"] = "view_submission",
            ["team"] = new JsonObject { ["id"] = TeamId, ["domain"] = "example" },
            ["user"] = User(user),
            ["api_app_id"] = AppId,
            ["token"] = "verification-token",
            ["trigger_id"] = NewTriggerId(user),
            ["view"] = shown,
            ["response_urls"] = new JsonArray(),
            ["enterprise"] = null,
            ["is_enterprise_install"] = false,
        };
    }

    /// <summary>
    /// A <c>block_suggestion</c> payload (BRIEF-2 S4; docs.slack.dev/reference/interaction-payloads/block_suggestion-payload):
    /// <paramref name="user"/> types <paramref name="value"/> into an <c>external_select</c> of a modal the app opened.
    /// The input block and its element must be there and be an external_select, and the text at least its
    /// <c>min_query_length</c> (default 3), else <see cref="InvalidOperationException"/> (Slack would not ask).
    /// </summary>
    public JsonObject BlockSuggestion(SlackView view, string blockId, string actionId, string value, string user = "U222")
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(value);
        var shown = view.View;
        var element = (shown["blocks"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(b => (string?)b["block_id"] == blockId).Select(b => b["element"] as JsonObject)
            .FirstOrDefault(e => (string?)e?["action_id"] == actionId)
            ?? throw new InvalidOperationException($"view {view.Id} has no block '{blockId}' with an element '{actionId}'");
        if ((string?)element["type"] != "external_select")
        {
            throw new InvalidOperationException($"'{blockId}'/'{actionId}' is a {(string?)element["type"]}, not an external_select: Slack sends no block_suggestion for it");
        }

        var min = (int?)element["min_query_length"] ?? 3;
        if (value.Length < min)
        {
            throw new InvalidOperationException($"'{value}' is shorter than the select's min_query_length {min}: Slack would not ask yet");
        }

        return new JsonObject
        {
            ["type"] = "block_suggestion",
            ["user"] = User(user),
            ["team"] = new JsonObject { ["id"] = TeamId, ["domain"] = "example" },
            ["api_app_id"] = AppId,
            ["token"] = "verification-token",
            ["container"] = new JsonObject { ["type"] = "view", ["view_id"] = view.Id },
            ["view"] = shown,
            ["block_id"] = blockId,
            ["action_id"] = actionId,
            ["value"] = value,
            ["enterprise"] = null,
            ["is_enterprise_install"] = false,
        };
    }

    /// <summary>
    /// POSTs an interaction payload as Slack does: <c>application/x-www-form-urlencoded</c>, body <c>payload=&lt;JSON&gt;</c>,
    /// signed with <paramref name="signingSecret"/> (<c>X-Slack-Signature</c>, <c>X-Slack-Request-Timestamp</c> = now unless given).
    /// </summary>
    public static Task<HttpResponseMessage> PostInteractivityAsync(Uri url, JsonObject payload, string signingSecret, long? timestamp = null)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var body = Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(payload.ToJsonString()));
        return PostSignedAsync(url, body, "application/x-www-form-urlencoded", signingSecret, timestamp);
    }

    /// <summary>POSTs raw bytes signed as Slack signs requests (v0, HMAC-SHA256 over "v0:{timestamp}:{body}").</summary>
    public static async Task<HttpResponseMessage> PostSignedAsync(Uri url, byte[] body, string contentType, string signingSecret, long? timestamp = null)
    {
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", Sign(signingSecret, ts, body));
        return await Http.SendAsync(request).ConfigureAwait(false);
    }

    /// <summary>Slack's request signature: <c>v0=</c> + hex HMAC-SHA256(secret, "v0:" + timestamp + ":" + body).</summary>
    public static string Sign(string signingSecret, string timestamp, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(signingSecret);
        ArgumentNullException.ThrowIfNull(body);
        byte[] signed = [.. Encoding.UTF8.GetBytes($"v0:{timestamp}:"), .. body];
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), signed);
        return "v0=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>
    /// Sends an interaction payload in an <c>interactive</c> envelope on the newest connection (or the one asked for) and
    /// returns the bot's ack (null when none came in <paramref name="ackTimeout"/>, default Slack's 3 s).
    /// <c>accepts_response_payload</c> is true for view_submission and block_suggestion, whose ack may answer
    /// (<c>response_action</c>, options), false for block_actions.
    /// </summary>
    public async Task<JsonObject?> SendInteractiveAsync(JsonObject payload, int? connection = null, TimeSpan? ackTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var target = Target(connection);
        var envelopeId = Guid.NewGuid().ToString();
        await target.SendAsync(new JsonObject
        {
            ["envelope_id"] = envelopeId,
            ["payload"] = payload.DeepClone(),
            ["type"] = "interactive",
            ["accepts_response_payload"] = (string?)payload["type"] is "view_submission" or "block_suggestion",
        }).ConfigureAwait(false);
        return await target.WaitForAckAsync(envelopeId, ackTimeout ?? TimeSpan.FromSeconds(3)).ConfigureAwait(false) is null ? null : target.AckBodies[envelopeId];
    }

    private static (JsonObject Block, JsonObject Element)? ElementOf(JsonObject message, string actionId)
    {
        foreach (var block in (message["blocks"] as JsonArray ?? []).OfType<JsonObject>())
        {
            foreach (var element in Elements(block))
            {
                if ((string?)element["action_id"] == actionId)
                {
                    return (block, element);
                }
            }
        }

        return null;
    }

    private static IEnumerable<string> ActionIds(JsonObject message) =>
        (message["blocks"] as JsonArray ?? []).OfType<JsonObject>().SelectMany(Elements).Select(e => (string?)e["action_id"]).OfType<string>();

    private static IEnumerable<JsonObject> Elements(JsonObject block) =>
        (block["elements"] as JsonArray ?? []).OfType<JsonObject>()
            .Concat(new[] { block["accessory"], block["element"] }.OfType<JsonObject>());

    private static JsonObject User(string user) => new() { ["id"] = user, ["username"] = "user-" + user.ToLowerInvariant(), ["name"] = "user-" + user.ToLowerInvariant(), ["team_id"] = TeamId };

    private static string NowTs()
    {
        var now = DateTimeOffset.UtcNow;
        return string.Create(CultureInfo.InvariantCulture, $"{now.ToUnixTimeSeconds()}.{now.Millisecond * 1000 + Random.Shared.Next(1000):D6}");
    }
}
