using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Advisor.Testing.Discord;

/// <summary>
/// Message edits (BRIEF-2 D12; resources/message Edit Message, interactions Edit Original Interaction Response and
/// Edit Followup Message): each accepted edit recorded, per-route X-RateLimit-* headers on every edit, an optional 429
/// when a bucket is exhausted, and 30046 for messages marked older than an hour. Also the typing indicator.
/// </summary>
public sealed partial class DiscordEmulator
{
    /// <summary>Create Message takes only SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS, IS_VOICE_MESSAGE and IS_COMPONENTS_V2.</summary>
    private const int CreateMessageFlags = 4 | 4096 | 8192 | ComponentRules.ComponentsV2;

    /// <summary>A follow-up may also be ephemeral.</summary>
    private const int FollowupFlags = 4 | ComponentRules.Ephemeral | 4096 | ComponentRules.ComponentsV2;

    /// <summary>An edit may set SUPPRESS_EMBEDS and IS_COMPONENTS_V2 (EPHEMERAL is fixed at creation; sending it changes nothing).</summary>
    private const int EditFlags = 4 | ComponentRules.Ephemeral | 4096 | ComponentRules.ComponentsV2;

    private readonly Dictionary<string, JsonObject> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<MessageEdit> _edits = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<DateTimeOffset>> _typing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset Start, int Used)> _buckets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _aged = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<DateTimeOffset>> _agedEdits = new(StringComparer.Ordinal);

    /// <summary>Every accepted edit, in order (channel messages, @original, follow-ups, UPDATE_MESSAGE).</summary>
    public IReadOnlyList<MessageEdit> Edits => [.. _edits];

    /// <summary>
    /// The limit reported (and, with <see cref="EnforceEditRateLimit"/>, enforced) per edit route and top-level resource:
    /// PATCH /channels/{channel}/messages/{id} per channel; PATCH /webhooks/{app}/{token}/messages/… per webhook + token.
    /// </summary>
    public DiscordRateLimit EditRateLimit { get; set; } = new(5, TimeSpan.FromSeconds(5));

    /// <summary>
    /// When true, an edit beyond <see cref="EditRateLimit"/> in its window gets 429 with <c>retry_after</c> (seconds, float),
    /// <c>Retry-After</c> and X-RateLimit-Scope: user, and is not applied. Off by default: the headers still count down.
    /// </summary>
    public bool EnforceEditRateLimit { get; set; }

    /// <summary>The edits of one message (by id), in order.</summary>
    public IReadOnlyList<MessageEdit> EditsOf(string messageId) => [.. _edits.Where(e => e.MessageId == messageId)];

    /// <summary>
    /// A message as it is now, by id, wherever it came from (channel message, interaction @original, follow-up, the
    /// message a component interaction was built on); null when unknown.
    /// </summary>
    public JsonObject? Message(string messageId)
    {
        lock (_store)
        {
            return _byId.TryGetValue(messageId, out var message) ? message.DeepClone().AsObject() : null;
        }
    }

    /// <summary>When the typing indicator was triggered in a channel (POST /channels/{id}/typing), in order.</summary>
    public IReadOnlyList<DateTimeOffset> TypingIn(string channelId) => _typing.TryGetValue(channelId, out var times) ? [.. times] : [];

    /// <summary>
    /// Treats a message as older than an hour: its channel then allows 3 edits of such messages per 6 s, and more get
    /// 429 with code 30046 (unofficial figures and status, BRIEF-2 D12 / Part C).
    /// </summary>
    public void AgeMessage(string messageId)
    {
        lock (_store)
        {
            _aged.Add(messageId);
        }
    }

    private void Index(JsonObject message)
    {
        lock (_store)
        {
            if (message["id"]?.GetValue<string>() is { } id)
            {
                _byId[id] = message;
            }
        }
    }

    /// <summary>PATCH /channels/{channel}/messages/{id}: the message must be in that channel (10008).</summary>
    private async Task<(int Status, JsonNode? Result)> EditChannelMessageAsync(HttpContext http, string channel, string id, JsonNode? body, List<string> errors)
    {
        if (!await TakeEditSlotAsync(http, "channel:" + channel, "edit-channel-message"))
        {
            return (0, null);
        }

        CheckMessageLimits(body, errors, requireAllowedMentions: HasText(body));
        JsonObject? target;
        lock (_store)
        {
            target = _byId.TryGetValue(id, out var found) && found["channel_id"]?.GetValue<string>() == channel ? found : null;
        }

        if (target is null)
        {
            return (404, UnknownMessage());
        }

        if (!await AgedEditAllowedAsync(http, target))
        {
            return (0, null);
        }

        return (200, ApplyEdit(target, body, "channel", errors));
    }

    /// <summary>PATCH /webhooks/{app}/{token}/messages/@original (created when the emulator never saw the interaction's answer).</summary>
    private async Task<(int Status, JsonNode? Result)> EditOriginalAsync(HttpContext http, string app, string token, JsonNode? body, List<string> errors)
    {
        if (!await TakeEditSlotAsync(http, $"webhook:{app}/{token}", "edit-webhook-message"))
        {
            return (0, null);
        }

        JsonObject target;
        lock (_store)
        {
            target = Originals.GetOrAdd(token, _ => new JsonObject { ["id"] = NextId() });
            if (ChannelOfToken(token) is { } channel && target["channel_id"] is null)
            {
                target["channel_id"] = channel;
            }

            Index(target);
        }

        if (!await AgedEditAllowedAsync(http, target))
        {
            return (0, null);
        }

        return (200, ApplyEdit(target, body, "@original", errors));
    }

    /// <summary>
    /// PATCH /webhooks/{app}/{token}/messages/{id}: a follow-up of that token, its @original, or the message a component
    /// interaction with that token was clicked on (how an ephemeral message is edited with a fresh token); else 10008.
    /// </summary>
    private async Task<(int Status, JsonNode? Result)> EditWebhookMessageAsync(HttpContext http, string app, string token, string id, JsonNode? body, List<string> errors)
    {
        if (!await TakeEditSlotAsync(http, $"webhook:{app}/{token}", "edit-webhook-message"))
        {
            return (0, null);
        }

        CheckMessageLimits(body, errors, requireAllowedMentions: HasText(body));
        JsonObject? target;
        lock (_store)
        {
            target = Followups.TryGetValue(token, out var followups) ? followups.FirstOrDefault(m => m["id"]?.GetValue<string>() == id) : null;
            target ??= Originals.TryGetValue(token, out var original) && original["id"]?.GetValue<string>() == id ? original : null;
            target ??= _interactions.Values.Any(i => i.Token == token && i.SourceMessageId == id) && _byId.TryGetValue(id, out var source) ? source : null;
        }

        if (target is null)
        {
            return (404, UnknownMessage());
        }

        if (!await AgedEditAllowedAsync(http, target))
        {
            return (0, null);
        }

        return (200, ApplyEdit(target, body, "webhook", errors));
    }

    /// <summary>
    /// Checks an edit against the message it changes (flags, V2 rules) and applies it: fields replaced, IS_COMPONENTS_V2
    /// kept (and, when added, content/embeds/stickers/poll reset), EPHEMERAL kept, LOADING cleared. Records it; returns
    /// the message after it, or null when there were errors.
    /// </summary>
    private JsonObject? ApplyEdit(JsonObject target, JsonNode? body, string route, List<string> errors)
    {
        if (body is not JsonObject changes)
        {
            errors.Add("body is not an object");
            return null;
        }

        int existing;
        lock (_store)
        {
            existing = ComponentRules.Flags(target) ?? 0;
        }

        ComponentRules.CheckMessage(changes, errors, EditFlags, existing);
        if (errors.Count > 0)
        {
            return null;
        }

        lock (_store)
        {
            var sent = ComponentRules.Flags(changes);
            foreach (var (name, value) in changes)
            {
                if (name != "flags")
                {
                    target[name] = value?.DeepClone();
                }
            }

            if ((existing & ComponentRules.ComponentsV2) == 0 && ((sent ?? 0) & ComponentRules.ComponentsV2) != 0)
            {
                foreach (var field in (string[])["content", "embeds", "sticker_ids", "poll"])
                {
                    target.Remove(field);
                }
            }

            var kept = existing & (ComponentRules.Ephemeral | ComponentRules.ComponentsV2);
            var flags = sent is { } f ? kept | (f & ~(ComponentRules.Ephemeral | ComponentRules.Loading)) : existing & ~ComponentRules.Loading;
            if (flags == 0)
            {
                target.Remove("flags");
            }
            else
            {
                target["flags"] = flags;
            }

            var after = target.DeepClone().AsObject();
            _edits.Enqueue(new MessageEdit(route, target["id"]?.GetValue<string>() ?? "", changes.DeepClone().AsObject(), after, DateTimeOffset.UtcNow));
            return after;
        }
    }

    /// <summary>
    /// Counts a request in its bucket and writes the X-RateLimit-* headers; when the bucket is exhausted and
    /// <see cref="EnforceEditRateLimit"/> is on, answers 429 (not counted) and returns false.
    /// </summary>
    private async Task<bool> TakeEditSlotAsync(HttpContext http, string key, string bucket)
    {
        var limit = EditRateLimit;
        var now = DateTimeOffset.UtcNow;
        bool refuse;
        int remaining;
        DateTimeOffset reset;
        lock (_store)
        {
            var (start, used) = _buckets.TryGetValue(key, out var b) && now - b.Start < limit.Window ? b : (now, 0);
            refuse = EnforceEditRateLimit && used >= limit.Limit;
            used = refuse ? used : used + 1;
            _buckets[key] = (start, used);
            remaining = Math.Max(0, limit.Limit - used);
            reset = start + limit.Window;
        }

        var resetAfter = Math.Max(0, (reset - now).TotalSeconds);
        var headers = http.Response.Headers;
        headers["X-RateLimit-Limit"] = limit.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = (reset.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset-After"] = resetAfter.ToString("0.000", CultureInfo.InvariantCulture);
        headers["X-RateLimit-Bucket"] = bucket;
        if (!refuse)
        {
            return true;
        }

        headers["X-RateLimit-Scope"] = "user";
        headers.RetryAfter = Math.Ceiling(resetAfter).ToString(CultureInfo.InvariantCulture);
        await Json(http, 429, new JsonObject { ["message"] = "You are being rate limited.", ["retry_after"] = Math.Round(resetAfter, 3), ["global"] = false });
        return false;
    }

    /// <summary>An edit of an aged message: at most 3 per 6 s per channel, else 429 with code 30046 (answered here; returns false).</summary>
    private async Task<bool> AgedEditAllowedAsync(HttpContext http, JsonObject target)
    {
        double retryAfter;
        lock (_store)
        {
            if (target["id"]?.GetValue<string>() is not { } id || !_aged.Contains(id))
            {
                return true;
            }

            var channel = target["channel_id"]?.GetValue<string>() ?? "";
            var now = DateTimeOffset.UtcNow;
            if (!_agedEdits.TryGetValue(channel, out var times))
            {
                _agedEdits[channel] = times = [];
            }

            times.RemoveAll(t => now - t >= TimeSpan.FromSeconds(6));
            if (times.Count < 3)
            {
                times.Add(now);
                return true;
            }

            retryAfter = Math.Round((times[0] + TimeSpan.FromSeconds(6) - now).TotalSeconds, 3);
        }

        http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter).ToString(CultureInfo.InvariantCulture);
        await Json(http, 429, new JsonObject
        {
            ["message"] = "Maximum number of edits to messages older than 1 hour reached. Try again later",
            ["code"] = 30046,
            ["retry_after"] = retryAfter,
            ["global"] = false,
        });
        return false;
    }

    /// <summary>Flags, V2 exclusivity and components of a message body being created.</summary>
    private static void CheckMessageShape(JsonNode? body, List<string> errors, int allowedFlags, int existingFlags) =>
        ComponentRules.CheckMessage(body, errors, allowedFlags, existingFlags);

    private static bool HasText(JsonNode? body) => body is JsonObject o && (o["content"] is JsonValue { } c && c.GetValueKind() == JsonValueKind.String || o["embeds"] is JsonArray);

    private static JsonObject UnknownMessage() => new() { ["message"] = "Unknown Message", ["code"] = 10008 };
}
