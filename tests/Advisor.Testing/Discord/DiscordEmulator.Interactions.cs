using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Advisor.Testing.Discord;

/// <summary>
/// Component interactions and modals (BRIEF-2 D7–D9; interactions/receiving-and-responding, components/reference):
/// MESSAGE_COMPONENT (type 3) and MODAL_SUBMIT (type 5) payloads built from what was really posted and opened, signed
/// with Ed25519 (RFC 8032 TEST 1 key, BRIEF Part C) and POSTed to a worker, or dispatched over the gateway
/// (<see cref="GatewayConnection.DispatchInteractionAsync"/>); the responses (inline or by callback) recorded and
/// applied: 4 and 5 create the @original, 6 makes the clicked message the @original, 7 edits it, 9 opens a modal.
/// </summary>
public sealed partial class DiscordEmulator
{
    /// <summary>The interactions public key a worker verifies with (RFC 8032 §7.1 TEST 1).</summary>
    public const string InteractionPublicKeyHex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    /// <summary>The seed the emulator signs interactions with (RFC 8032 §7.1 TEST 1).</summary>
    public const string InteractionPrivateKeyHex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    /// <summary>The guild of built interactions (as the tests' slash commands use).</summary>
    public const string GuildId = "290926798626357999";

    /// <summary>The user who clicks and submits, unless told otherwise.</summary>
    public const string UserId = "53908232506183680";

    /// <summary>
    /// How long a webhook request of an interaction waits for that interaction's inline answer to be recorded (see
    /// <see cref="InlineAnswerRecordedAsync"/>) before it is taken as sent ahead of the answer (a violation).
    /// </summary>
    private static readonly TimeSpan InlineAnswerWait = TimeSpan.FromSeconds(10);

    private static readonly HttpClient Http = new();
    private readonly ConcurrentDictionary<string, TrackedInteraction> _interactions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TaskCompletionSource>> _inlinePending = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedInteractionResponse> _responses = new();

    /// <summary>Every initial interaction response (by callback or inline), in order.</summary>
    public IReadOnlyList<RecordedInteractionResponse> InteractionResponses => [.. _responses];

    /// <summary>
    /// How long after an interaction was built its initial response may come (Discord: 3 s, then 404 with code 10062);
    /// null (the default) never expires them, so a loaded machine cannot fail a test by timing.
    /// </summary>
    public TimeSpan? InteractionResponseDeadline { get; set; }

    /// <summary>
    /// Awaited (with the interaction) after a worker's inline answer to <see cref="PostInteractionAsync"/> has arrived and
    /// before it is recorded: plays a caller that gets to it late, as a loaded machine's thread pool may. The worker's
    /// webhook requests of that interaction wait for the recording meanwhile, as at Discord the answer comes first.
    /// </summary>
    public Func<JsonObject, Task>? BeforeInlineAnswerRecorded { get; set; }

    /// <summary>The responses to one interaction (at most one is accepted; refused ones are not here).</summary>
    public IReadOnlyList<RecordedInteractionResponse> ResponsesTo(string interactionId) => [.. _responses.Where(r => r.InteractionId == interactionId)];

    /// <summary>
    /// Makes the emulator know an interaction built elsewhere (a slash command, say), so a modal or update answering it
    /// is checked against its type, and a modal it opens can be submitted with <see cref="ModalSubmit"/>. Interactions
    /// built, posted or dispatched by the emulator are tracked already. Returns the interaction.
    /// </summary>
    public JsonObject Track(JsonObject interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        var id = interaction["id"]?.GetValue<string>() ?? throw new ArgumentException("the interaction has no id", nameof(interaction));
        var type = interaction["type"]?.GetValue<int>() ?? 0;
        var source = type == 3 ? interaction["message"]?["id"]?.GetValue<string>() : null;
        _interactions.TryAdd(id, new TrackedInteraction(id, interaction["token"]?.GetValue<string>() ?? "", type,
            interaction["channel_id"]?.GetValue<string>(), source, interaction.DeepClone().AsObject(), DateTimeOffset.UtcNow));
        return interaction;
    }

    /// <summary>
    /// A MESSAGE_COMPONENT (type 3) interaction: <paramref name="userId"/> clicks the component with
    /// <paramref name="customId"/> on a message (as the emulator holds it now, else as given: it needs its <c>id</c> and,
    /// unless <paramref name="channelId"/> is given, its <c>channel_id</c>). The component must be there, enabled and
    /// interactive (else <see cref="InvalidOperationException"/>); data carries its <c>component_type</c>, and for a
    /// string select the chosen <paramref name="values"/> (which must be options). A fresh id and token (valid for
    /// follow-ups and edits of that message); in a guild (member) unless <paramref name="guildId"/> is null (DM: user).
    /// </summary>
    public JsonObject ComponentInteraction(JsonObject message, string customId, IReadOnlyList<string>? values = null, string userId = UserId,
        string? guildId = GuildId, string? channelId = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var messageId = message["id"]?.GetValue<string>() ?? throw new ArgumentException("the message has no id", nameof(message));
        JsonObject current;
        lock (_store)
        {
            if (!_byId.ContainsKey(messageId))
            {
                _byId[messageId] = message.DeepClone().AsObject();
            }

            current = _byId[messageId].DeepClone().AsObject();
        }

        var channel = channelId ?? current["channel_id"]?.GetValue<string>()
            ?? throw new ArgumentException("the message has no channel_id; pass channelId", nameof(message));
        var all = ComponentRules.All(current["components"] as JsonArray).ToList();
        var component = all.FirstOrDefault(c => c["custom_id"]?.GetValue<string>() == customId)
            ?? throw new InvalidOperationException($"message {messageId} has no component '{customId}' (it has: {string.Join(", ", all.Select(c => c["custom_id"]?.GetValue<string>()).OfType<string>())})");
        if (component["disabled"]?.GetValue<bool>() == true)
        {
            throw new InvalidOperationException($"component '{customId}' is disabled: nobody can click it");
        }

        var componentType = component["type"]!.GetValue<int>();
        var data = new JsonObject { ["custom_id"] = customId, ["component_type"] = componentType };
        if (component["id"] is { } numericId)
        {
            data["id"] = numericId.DeepClone();
        }

        if (componentType is 3 or 5 or 6 or 7 or 8)
        {
            var chosen = values ?? throw new ArgumentException($"'{customId}' is a select: pass the chosen values", nameof(values));
            if (componentType == 3)
            {
                var options = (component["options"] as JsonArray ?? []).Select(o => o?["value"]?.GetValue<string>()).ToHashSet();
                if (chosen.FirstOrDefault(v => !options.Contains(v)) is { } stray)
                {
                    throw new InvalidOperationException($"'{stray}' is not an option of '{customId}'");
                }
            }

            data["values"] = new JsonArray([.. chosen.Select(v => (JsonNode?)v)]);
        }

        var interaction = Interaction(3, channel, userId, guildId, data);
        interaction["message"] = current;
        return Track(interaction);
    }

    /// <summary>
    /// A MODAL_SUBMIT (type 5) interaction for a modal the app opened (a type 9 response): data.custom_id is the modal's,
    /// data.components mirror its inputs (Label → <c>{type:18, id, component:{type:4, id, custom_id, value}}</c>; a
    /// legacy row → <c>{type:1, components:[{type:4, custom_id, value}]}</c>) with the <paramref name="values"/> by
    /// custom_id ("" for the rest; an unknown custom_id throws). Same user, guild and channel as the interaction the
    /// modal answered; when that was a component interaction, the message too (so 6 and 7 may answer the submit).
    /// </summary>
    public JsonObject ModalSubmit(RecordedInteractionResponse modal, IReadOnlyDictionary<string, string> values, string? userId = null)
    {
        ArgumentNullException.ThrowIfNull(modal);
        ArgumentNullException.ThrowIfNull(values);
        if (modal.Type != 9 || modal.Data is null)
        {
            throw new ArgumentException($"response {modal.Type} to {modal.InteractionId} is not a modal", nameof(modal));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var nextId = 1;
        JsonObject Input(JsonObject input)
        {
            var customId = input["custom_id"]?.GetValue<string>() ?? "";
            seen.Add(customId);
            var answer = new JsonObject { ["type"] = input["type"]?.DeepClone(), ["id"] = input["id"]?.DeepClone() ?? nextId++, ["custom_id"] = customId };
            if (input["type"]?.GetValue<int>() == 4)
            {
                answer["value"] = values.TryGetValue(customId, out var value) ? value : "";
            }
            else
            {
                answer["values"] = values.TryGetValue(customId, out var chosen) ? new JsonArray(chosen) : new JsonArray();
            }

            return answer;
        }

        var components = new JsonArray();
        foreach (var top in (modal.Data["components"] as JsonArray ?? []).OfType<JsonObject>())
        {
            switch (top["type"]?.GetValue<int>())
            {
                case 18 when top["component"] is JsonObject inner:
                    components.Add(new JsonObject { ["type"] = 18, ["id"] = top["id"]?.DeepClone() ?? nextId++, ["component"] = Input(inner) });
                    break;
                case 1:
                    components.Add(new JsonObject { ["type"] = 1, ["components"] = new JsonArray([.. (top["components"] as JsonArray ?? []).OfType<JsonObject>().Select(i => (JsonNode)Input(i))]) });
                    break;
            }
        }

        if (values.Keys.FirstOrDefault(k => !seen.Contains(k)) is { } stray)
        {
            throw new InvalidOperationException($"the modal '{modal.Data["custom_id"]}' has no input '{stray}'");
        }

        _interactions.TryGetValue(modal.InteractionId, out var parent);
        var context = parent?.Payload;
        var guild = context is null ? GuildId : context["guild_id"]?.GetValue<string>();
        var user = userId ?? context?["member"]?["user"]?["id"]?.GetValue<string>() ?? context?["user"]?["id"]?.GetValue<string>() ?? UserId;
        var channel = parent?.ChannelId ?? context?["channel_id"]?.GetValue<string>() ?? "0";
        var interaction = Interaction(5, channel, user, guild, new JsonObject { ["custom_id"] = modal.Data["custom_id"]?.DeepClone(), ["components"] = components });
        if (parent?.SourceMessageId is { } source && Message(source) is { } message)
        {
            interaction["message"] = message;
        }

        Track(interaction);
        _interactions[(string)interaction["id"]!] = _interactions[(string)interaction["id"]!] with { SourceMessageId = parent?.SourceMessageId };
        return interaction;
    }

    /// <summary>
    /// POSTs an interaction to a worker's interactions endpoint as Discord does: the raw JSON signed with Ed25519 over
    /// timestamp + body (<c>X-Signature-Ed25519</c>, <c>X-Signature-Timestamp</c> = now unless given; a wrong
    /// <paramref name="signature"/> to probe). An inline answer (HTTP 200 with an interaction response) is recorded and
    /// applied like a callback (its problems go to <see cref="Violations"/>); 202 means the worker answers by callback.
    /// </summary>
    public async Task<HttpResponseMessage> PostInteractionAsync(Uri endpoint, JsonObject interaction, long? timestamp = null, string? signature = null)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        Track(interaction);
        var token = interaction["token"]?.GetValue<string>() ?? "";
        var pending = BeginInlineAnswer(token);
        try
        {
            return await PostAndRecordAsync(endpoint, interaction, token, timestamp, signature).ConfigureAwait(false);
        }
        finally
        {
            EndInlineAnswer(token, pending);
        }
    }

    private async Task<HttpResponseMessage> PostAndRecordAsync(Uri endpoint, JsonObject interaction, string token, long? timestamp, string? signature)
    {
        var body = Encoding.UTF8.GetBytes(interaction.ToJsonString());
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Signature-Ed25519", signature ?? SignInteraction(ts, body));
        request.Headers.Add("X-Signature-Timestamp", ts);
        request.Headers.UserAgent.ParseAdd("Discord-Interactions/1.0 (+https://discord.com)");
        var response = await Http.SendAsync(request).ConfigureAwait(false);
        if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "application/json"
            && JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false)) is JsonObject answer
            && answer["type"]?.GetValue<int>() is { } type && type != 1)
        {
            if (BeforeInlineAnswerRecorded is { } late)
            {
                await late(interaction).ConfigureAwait(false);
            }

            var id = (string)interaction["id"]!;
            var errors = new List<string>();
            Check("/interactions/{interaction_id}/{interaction_token}/callback", "post", answer, errors);
            var (status, refusal) = Respond(id, token, answer, "inline", errors);
            foreach (var error in errors)
            {
                Violations.Enqueue($"inline response to interaction {id}: {error}");
            }

            if (status >= 400 && refusal is not null)
            {
                Violations.Enqueue($"inline response to interaction {id}: {refusal.ToJsonString()}");
            }
        }

        return response;
    }

    /// <summary>
    /// Completes once no interaction with this token is being POSTed by <see cref="PostInteractionAsync"/> any more, so
    /// its inline answer (if any) is recorded. A worker's answer reaches Discord in the HTTP response, before the worker
    /// can call a webhook of that interaction (it may only once the answer is sent); but here the answer is recorded by
    /// the caller's continuation after the response arrived, which on a loaded machine can run after the worker's next
    /// webhook request (a PATCH of @original) has arrived. That request would then find no @original (or a made-up one
    /// without the answer's flags) and be checked against the wrong message, so webhook requests wait here first.
    /// </summary>
    private Task InlineAnswerRecordedAsync(string token)
    {
        lock (_inlinePending)
        {
            return _inlinePending.TryGetValue(token, out var list) ? Task.WhenAll(list.Select(p => p.Task)) : Task.CompletedTask;
        }
    }

    private TaskCompletionSource BeginInlineAnswer(string token)
    {
        var pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_inlinePending)
        {
            if (!_inlinePending.TryGetValue(token, out var list))
            {
                _inlinePending[token] = list = [];
            }

            list.Add(pending);
        }

        return pending;
    }

    private void EndInlineAnswer(string token, TaskCompletionSource pending)
    {
        lock (_inlinePending)
        {
            if (_inlinePending.TryGetValue(token, out var list) && list.Remove(pending) && list.Count == 0)
            {
                _inlinePending.Remove(token);
            }
        }

        pending.TrySetResult();
    }

    /// <summary>
    /// Waits (up to <see cref="InlineAnswerWait"/>) for the inline answer of the interaction a webhook request belongs to.
    /// When it does not come, the request was sent ahead of the interaction's answer, which Discord refuses: a violation
    /// (the request is then processed as before, against whatever the emulator holds).
    /// </summary>
    private async Task AwaitInlineAnswerAsync(string method, string path, string token, CancellationToken aborted)
    {
        var recorded = InlineAnswerRecordedAsync(token);
        if (recorded.IsCompleted)
        {
            return;
        }

        try
        {
            await recorded.WaitAsync(InlineAnswerWait, aborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Violations.Enqueue($"{method} {path}: sent while the interaction's HTTP answer had not come after {InlineAnswerWait.TotalSeconds:0} s (a webhook of an interaction works only once it is answered)");
        }
    }

    /// <summary>The hex Ed25519 signature of timestamp + body with <see cref="InteractionPrivateKeyHex"/>.</summary>
    public static string SignInteraction(string timestamp, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(timestamp);
        ArgumentNullException.ThrowIfNull(body);
        var signer = new Ed25519Signer();
        signer.Init(true, new Ed25519PrivateKeyParameters(Convert.FromHexString(InteractionPrivateKeyHex)));
        byte[] message = [.. Encoding.UTF8.GetBytes(timestamp), .. body];
        signer.BlockUpdate(message, 0, message.Length);
        return Convert.ToHexStringLower(signer.GenerateSignature());
    }

    /// <summary>
    /// The initial response to an interaction (callback or inline): checked for its type (6/7 only for component-based
    /// interactions, 9 never for a modal submit, 5 only with EPHEMERAL), the deadline, a second response (40060); then
    /// applied and recorded. Returns the status and body to answer (204 on success), or leaves errors (400).
    /// </summary>
    private (int Status, JsonObject? Result) Respond(string interactionId, string token, JsonObject? body, string via, List<string> errors)
    {
        if (body is null)
        {
            errors.Add("body is not an object");
            return (400, null);
        }

        var type = body["type"] is JsonValue t && t.TryGetValue<int>(out var n) ? n : 0;
        var data = body["data"] as JsonObject;
        _interactions.TryGetValue(interactionId, out var known);
        JsonObject? source = null;
        if (known?.SourceMessageId is { } sourceId)
        {
            lock (_store)
            {
                source = _byId.GetValueOrDefault(sourceId);
            }
        }

        var componentBased = known is null || known.Type == 3 || (known.Type == 5 && known.SourceMessageId is not null);
        switch (type)
        {
            case 4:
                if (data is not null)
                {
                    if (data.ContainsKey("embeds"))
                    {
                        CheckMessageLimits(data, errors, requireAllowedMentions: true);
                    }

                    ComponentRules.CheckMessage(data, errors, FollowupFlags, existingFlags: 0);
                }

                break;
            case 5:
                if (data is not null && ComponentRules.Flags(data) is { } deferredFlags && (deferredFlags & ~ComponentRules.Ephemeral) != 0)
                {
                    errors.Add($"a deferred response (type 5) takes only the EPHEMERAL flag, not {deferredFlags}");
                }

                break;
            case 6 or 7:
                if (!componentBased)
                {
                    errors.Add($"callback type {type} answers only component interactions (this is a type {known!.Type})");
                }

                if (type == 7 && data is not null)
                {
                    if (data.ContainsKey("embeds"))
                    {
                        CheckMessageLimits(data, errors, requireAllowedMentions: true);
                    }

                    lock (_store)
                    {
                        ComponentRules.CheckMessage(data, errors, EditFlags, source is null ? 0 : ComponentRules.Flags(source) ?? 0);
                    }
                }

                break;
            case 8:
                break;
            case 9:
                if (known?.Type is 1 or 5)
                {
                    errors.Add($"a modal (type 9) cannot answer a {(known.Type == 1 ? "PING" : "MODAL_SUBMIT")}");
                }

                ComponentRules.CheckModal(data, errors);
                break;
            default:
                errors.Add($"callback type {type} cannot answer an interaction here");
                break;
        }

        if (errors.Count > 0)
        {
            return (400, null);
        }

        if (known is not null && InteractionResponseDeadline is { } deadline && DateTimeOffset.UtcNow - known.CreatedAt > deadline)
        {
            return (404, new JsonObject { ["message"] = "Unknown interaction", ["code"] = 10062 });
        }

        lock (_store)
        {
            if (!_acknowledged.Add(interactionId))
            {
                return (400, new JsonObject { ["message"] = "Interaction has already been acknowledged.", ["code"] = 40060 });
            }

            switch (type)
            {
                case 4 or 5:
                    // Type 4 shows its message now; type 5 a "thinking…" placeholder (LOADING, 1 << 7) to edit later,
                    // ephemeral when asked (the only flag a defer takes).
                    var original = type == 4 && data is not null
                        ? data.DeepClone().AsObject()
                        : new JsonObject { ["content"] = "", ["flags"] = ComponentRules.Loading | ((data is null ? 0 : ComponentRules.Flags(data) ?? 0) & ComponentRules.Ephemeral) };
                    original["id"] = NextId();
                    if (known?.ChannelId is { } channel)
                    {
                        original["channel_id"] = channel;
                    }

                    if (Originals.TryAdd(token, original))
                    {
                        Index(original);
                    }

                    break;
                case 6 when source is not null:
                    Originals.TryAdd(token, source);
                    break;
                case 7 when source is not null:
                    ApplyEdit(source, data ?? [], "callback 7", errors);
                    Originals.TryAdd(token, source);
                    break;
            }
        }

        _responses.Enqueue(new RecordedInteractionResponse(interactionId, token, type, data?.DeepClone().AsObject(), via, DateTimeOffset.UtcNow));
        return (204, null);
    }

    /// <summary>The channel of the interaction with this token, if the emulator knows it.</summary>
    private string? ChannelOfToken(string token) => _interactions.Values.FirstOrDefault(i => i.Token == token)?.ChannelId;

    private JsonObject Interaction(int type, string channel, string userId, string? guildId, JsonObject data)
    {
        var id = NextId();
        var user = new JsonObject { ["id"] = userId, ["username"] = "user" + userId[^4..], ["global_name"] = null, ["discriminator"] = "0" };
        var interaction = new JsonObject
        {
            ["id"] = id,
            ["application_id"] = ApplicationId,
            ["type"] = type,
            ["token"] = "tok-" + id + "-" + Guid.NewGuid().ToString("N")[..12],
            ["version"] = 1,
            ["channel_id"] = channel,
            ["channel"] = new JsonObject { ["id"] = channel, ["type"] = guildId is null ? 1 : 0 },
            ["app_permissions"] = "442368",
            ["locale"] = "en-US",
            ["entitlements"] = new JsonArray(),
            ["attachment_size_limit"] = 10_485_760,
            ["data"] = data,
        };
        if (guildId is null)
        {
            interaction["user"] = user;
            interaction["authorizing_integration_owners"] = new JsonObject { ["0"] = "0" };
            interaction["context"] = 1;
        }
        else
        {
            interaction["guild_id"] = guildId;
            interaction["guild_locale"] = "en-US";
            interaction["member"] = new JsonObject { ["user"] = user, ["roles"] = new JsonArray(), ["permissions"] = "0", ["joined_at"] = "2026-01-01T00:00:00+00:00" };
            interaction["authorizing_integration_owners"] = new JsonObject { ["0"] = guildId };
            interaction["context"] = 0;
        }

        return interaction;
    }

    /// <summary>An interaction the emulator knows: its type, token, channel, the message it was built on, its payload.</summary>
    private sealed record TrackedInteraction(string Id, string Token, int Type, string? ChannelId, string? SourceMessageId, JsonObject Payload, DateTimeOffset CreatedAt);
}
