using System.Text.Json.Nodes;

namespace Advisor.Testing.Slack;

/// <summary>Message state: chat.update with an edit history, reactions, and what response_url edits do to the clicked message.</summary>
public sealed partial class SlackEmulator
{
    private readonly Dictionary<(string Channel, string Ts), HashSet<string>> _reactions = [];
    private readonly Dictionary<string, (string Channel, string Ts)> _responseTargets = new(StringComparer.Ordinal);

    /// <summary>
    /// Answer as Slack does for state the emulator can check: <c>message_not_found</c> for chat.update of a ts it never
    /// stored, <c>already_reacted</c> / <c>no_reaction</c> for a reaction added twice or removed without being there.
    /// Off by default, because the emulator does not hold the users' messages (the bot reacts to those) nor messages
    /// older than itself; the streaming methods and views always check their state.
    /// </summary>
    public bool EnforceMessageState { get; set; }

    /// <summary>The stored message with this ts in this channel (its current version), or null.</summary>
    public StoredMessage? Find(string channel, string ts)
    {
        lock (_gate)
        {
            return _messages.FirstOrDefault(m => m.Channel == channel && m.Ts == ts);
        }
    }

    /// <summary>
    /// Every version of a message, oldest first: as posted, then after each append, stop, chat.update or response_url
    /// change (empty when the emulator never saw it). chat.update of a message the emulator did not store (allowed
    /// unless <see cref="EnforceMessageState"/>) starts a history of its own.
    /// </summary>
    public IReadOnlyList<MessageVersion> History(string channel, string ts)
    {
        lock (_gate)
        {
            return _history.TryGetValue((channel, ts), out var versions) ? [.. versions] : [];
        }
    }

    /// <summary>The reactions (emoji names) the bot has on a message now, in the order added.</summary>
    public IReadOnlyList<string> Reactions(string channel, string ts)
    {
        lock (_gate)
        {
            return _reactions.TryGetValue((channel, ts), out var names) ? [.. names] : [];
        }
    }

    /// <summary>
    /// chat.update: <c>channel</c> and <c>ts</c> required (<c>channel_not_found</c>, <c>message_not_found</c>), something to
    /// show (<c>no_text</c>), <c>markdown_text</c> alone (<c>markdown_text_conflict</c>), text ≤4,000 (<c>msg_too_long</c>),
    /// Block Kit and metadata checked, and a message that is streaming refused (<c>streaming_state_conflict</c>). Text
    /// and blocks are replaced; metadata is kept unless sent (an empty object removes it).
    /// </summary>
    private JsonObject Update(JsonObject body)
    {
        var channel = (string?)body["channel"];
        var ts = (string?)body["ts"];
        if (ValidChannel(channel) is null)
        {
            return Fail("channel_not_found");
        }

        if (string.IsNullOrEmpty(ts))
        {
            return Fail("message_not_found");
        }

        if (ValidateContent(body) is { } contentError)
        {
            return Fail(contentError, BlockProblem(body));
        }

        if (((string?)body["text"])?.Length > 4000)
        {
            return Fail("msg_too_long");
        }

        var metadata = body["metadata"];
        var emptyMetadata = metadata is JsonObject { Count: 0 } || (metadata is JsonValue v && v.TryGetValue<string>(out var m) && m.Trim() is "{}");
        if (!emptyMetadata && ValidateMetadata(metadata) is { } metadataError)
        {
            return Fail(metadataError);
        }

        lock (_gate)
        {
            if (StreamOf(channel!, ts) is { State: SlackStreamState.Streaming })
            {
                return Fail("streaming_state_conflict");
            }

            if (Find(channel!, ts) is null && EnforceMessageState)
            {
                return Fail("message_not_found");
            }

            var after = Change(channel!, ts, "chat.update", message =>
            {
                message["text"] = (string?)body["text"] ?? (string?)body["markdown_text"] ?? "";
                if (body["blocks"] is JsonArray blocks)
                {
                    message["blocks"] = BlockKit.WithIds(blocks);
                }
                else
                {
                    message.Remove("blocks");
                }

                if (emptyMetadata)
                {
                    message.Remove("metadata");
                }
                else if (metadata is not null)
                {
                    message["metadata"] = metadata is JsonValue ? JsonNode.Parse((string)metadata!) : metadata.DeepClone();
                }

                message["edited"] = new JsonObject { ["user"] = BotUserId, ["ts"] = ts };
            });
            return new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ts, ["text"] = after["text"]?.DeepClone(), ["message"] = after };
        }
    }

    /// <summary>reactions.add / reactions.remove: <c>name</c> (<c>invalid_name</c>), <c>channel</c> + <c>timestamp</c> (<c>no_item_specified</c>).</summary>
    private JsonObject React(string method, JsonObject body)
    {
        var name = (string?)body["name"];
        var channel = (string?)body["channel"];
        var ts = (string?)body["timestamp"];
        if (string.IsNullOrWhiteSpace(name) || name.Contains(' ', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal))
        {
            return Fail("invalid_name");
        }

        if (string.IsNullOrEmpty(channel) || string.IsNullOrEmpty(ts))
        {
            return Fail("no_item_specified");
        }

        lock (_gate)
        {
            if (!_reactions.TryGetValue((channel, ts), out var names))
            {
                _reactions[(channel, ts)] = names = [];
            }

            var changed = method == "reactions.add" ? names.Add(name) : names.Remove(name);
            if (!changed && EnforceMessageState)
            {
                return Fail(method == "reactions.add" ? "already_reacted" : "no_reaction");
            }
        }

        return new JsonObject { ["ok"] = true };
    }

    /// <summary>A response_url that knows its message: delete it, or replace what it shows (under the lock).</summary>
    private void ActOnOriginal(string responseId, JsonObject body, bool delete, bool onlyDelete)
    {
        lock (_gate)
        {
            if (!_responseTargets.TryGetValue(responseId, out var target) || Find(target.Channel, target.Ts) is not { } stored)
            {
                return;
            }

            if (delete)
            {
                _messages.Remove(stored);
                _history[(target.Channel, target.Ts)].Add(new MessageVersion("response_url", stored.Message.DeepClone().AsObject(), DateTimeOffset.UtcNow, Deleted: true));
                if (!onlyDelete)
                {
                    // "deletes and then posts": the rest of the body is a new message in the same place.
                    var repost = body.DeepClone().AsObject();
                    repost["channel"] = target.Channel;
                    if (stored.ThreadTs is { } thread)
                    {
                        repost["thread_ts"] = thread;
                    }

                    Store(repost, "response_url");
                }

                return;
            }

            Change(target.Channel, target.Ts, "response_url", message =>
            {
                message["text"] = (string?)body["text"] ?? "";
                if (body["blocks"] is JsonArray blocks)
                {
                    message["blocks"] = BlockKit.WithIds(blocks);
                }
                else
                {
                    message.Remove("blocks");
                }
            });
        }
    }

    /// <summary>
    /// Applies a change to the stored message (or, when the emulator never stored it, to a record of its own) and adds
    /// the result to its history; returns a copy of the message after the change. Call under the lock.
    /// </summary>
    private JsonObject Change(string channel, string ts, string source, Action<JsonObject> change)
    {
        var message = Find(channel, ts)?.Message;
        if (!_history.TryGetValue((channel, ts), out var versions))
        {
            _history[(channel, ts)] = versions = [];
        }

        message ??= versions.LastOrDefault()?.Message.DeepClone().AsObject() ?? new JsonObject { ["type"] = "message", ["ts"] = ts };
        change(message);
        var after = message.DeepClone().AsObject();
        versions.Add(new MessageVersion(source, after, DateTimeOffset.UtcNow));
        return after.DeepClone().AsObject();
    }

    /// <summary>The channel when it is a conversation id (C…, D…, G…), else null.</summary>
    private static string? ValidChannel(string? channel) =>
        !string.IsNullOrEmpty(channel) && (channel.StartsWith('C') || channel.StartsWith('D') || channel.StartsWith('G')) ? channel : null;
}
