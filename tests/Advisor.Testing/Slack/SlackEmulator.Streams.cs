using System.Globalization;
using System.Text.Json.Nodes;

namespace Advisor.Testing.Slack;

/// <summary>
/// chat.startStream / chat.appendStream / chat.stopStream (BRIEF-2 S2; docs.slack.dev/reference/methods/chat.startStream
/// and the slack-api-ref scrape of its arguments and errors): a streamed message is stored like a post, its markdown
/// accumulates, and chat.stopStream's blocks and metadata become part of the final message.
/// </summary>
public sealed partial class SlackEmulator
{
    private const int MarkdownLimit = 12_000;
    private const int TruncationLimit = 40_000;
    private readonly List<SlackStream> _streams = [];

    /// <summary>Every stream started, in order.</summary>
    public IReadOnlyList<SlackStream> Streams
    {
        get
        {
            lock (_gate)
            {
                return [.. _streams];
            }
        }
    }

    /// <summary>The stream with this message ts (any channel), or null.</summary>
    public SlackStream? Stream(string ts)
    {
        lock (_gate)
        {
            return _streams.LastOrDefault(s => s.Ts == ts);
        }
    }

    /// <summary>
    /// The user presses Stop on a streaming message: from now on chat.appendStream answers <c>stopped_by_user</c> (the
    /// app may still finish with chat.stopStream). Returns the <c>agent_session_stopped</c> event Slack sends then, for
    /// <see cref="SendEventAsync"/>.
    /// </summary>
    public JsonObject StopStreamByUser(string ts, string user = "U222")
    {
        var stream = Stream(ts) ?? throw new InvalidOperationException($"no stream with ts {ts}");
        stream.StopByUser();
        return Callback("Ev" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), new JsonObject
        {
            ["type"] = "agent_session_stopped",
            ["channel"] = stream.Channel,
            ["thread_ts"] = stream.ThreadTs,
            ["user"] = user,
            ["streaming_message_ts"] = new JsonArray(stream.Ts),
            ["event_ts"] = NowTs(),
        });
    }

    /// <summary>
    /// A stream some earlier process started (as if it had called chat.startStream and then gone away): the test can then
    /// stop it as the user would. Returns its ts.
    /// </summary>
    public Task<string> StartOrphanStreamAsync(string channel, string threadTs, string markdown, string user = "U222")
    {
        var answer = StartStream(new JsonObject
        {
            ["channel"] = channel,
            ["thread_ts"] = threadTs,
            ["recipient_user_id"] = user,
            ["recipient_team_id"] = TeamId,
            ["markdown_text"] = markdown,
        });
        return (bool?)answer["ok"] == true
            ? Task.FromResult((string)answer["ts"]!)
            : throw new InvalidOperationException("chat.startStream refused: " + answer.ToJsonString());
    }

    /// <summary>
    /// chat.startStream: <c>channel</c> (<c>channel_not_found</c>); outside a DM (C…, G…) <c>recipient_user_id</c> and
    /// <c>recipient_team_id</c> (<c>missing_recipient_user_id</c> / <c>_team_id</c>); optional markdown_text ≤12,000,
    /// chunks (<c>invalid_chunks</c>), task_display_mode timeline|plan. Answers <c>{ok, channel, ts}</c>.
    /// </summary>
    private JsonObject StartStream(JsonObject body)
    {
        var channel = ValidChannel((string?)body["channel"]);
        if (channel is null)
        {
            return Fail("channel_not_found");
        }

        if (channel[0] is 'C' or 'G')
        {
            if (string.IsNullOrEmpty((string?)body["recipient_user_id"]))
            {
                return Fail("missing_recipient_user_id");
            }

            if (string.IsNullOrEmpty((string?)body["recipient_team_id"]))
            {
                return Fail("missing_recipient_team_id");
            }
        }

        var mode = (string?)body["task_display_mode"];
        if (mode is not null and not ("timeline" or "plan"))
        {
            return InvalidArguments("[ERROR] must be one of timeline, plan [json-pointer:/task_display_mode]");
        }

        if (StreamInputProblem(body) is { } problem)
        {
            return problem;
        }

        lock (_gate)
        {
            var ts = Store(body, "chat.startStream", text: "");
            var stream = new SlackStream(channel, ts, (string?)body["thread_ts"], (string?)body["recipient_user_id"], (string?)body["recipient_team_id"], mode);
            _streams.Add(stream);
            var text = stream.Add((string?)body["markdown_text"], body["chunks"] as JsonArray);
            if (text.Length > 0)
            {
                Find(channel, ts)!.Message["text"] = text;
                _history[(channel, ts)][0] = new MessageVersion("chat.startStream", Find(channel, ts)!.Message.DeepClone().AsObject(), DateTimeOffset.UtcNow);
            }

            return new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ts };
        }
    }

    /// <summary>
    /// chat.appendStream: <c>channel</c>, <c>ts</c> and <c>markdown_text</c> (or chunks) required (<c>channel_not_found</c>,
    /// <c>message_not_found</c>, <c>no_text</c>); <c>message_not_in_streaming_state</c> once stopped, <c>stopped_by_user</c>
    /// after the user's Stop; <c>message_truncated</c> warned past 40,000 characters.
    /// </summary>
    private JsonObject AppendStream(JsonObject body)
    {
        if (StreamTarget(body, out var stream) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrEmpty((string?)body["markdown_text"]) && body["chunks"] is not JsonArray { Count: > 0 })
        {
            return Fail("no_text");
        }

        if (StreamInputProblem(body) is { } problem)
        {
            return problem;
        }

        lock (_gate)
        {
            switch (stream!.State)
            {
                case SlackStreamState.StoppedByUser:
                    return Fail("stopped_by_user");
                case SlackStreamState.Stopped:
                    return Fail("message_not_in_streaming_state");
            }

            var text = stream.Add((string?)body["markdown_text"], body["chunks"] as JsonArray);
            Change(stream.Channel, stream.Ts, "chat.appendStream", message => message["text"] = text);
            var answer = new JsonObject { ["ok"] = true, ["channel"] = stream.Channel, ["ts"] = stream.Ts };
            return text.Length > TruncationLimit ? Warn(answer, "message_truncated") : answer;
        }
    }

    /// <summary>
    /// chat.stopStream: <c>channel</c> and <c>ts</c> required; optional final markdown_text / chunks, <c>blocks</c> shown at
    /// the bottom of the final message (<c>invalid_blocks</c>, <c>msg_blocks_too_many</c>) and <c>metadata</c>
    /// (<c>invalid_metadata_*</c>). Answers <c>{ok, channel, ts, message}</c>.
    /// </summary>
    private JsonObject StopStream(JsonObject body)
    {
        if (StreamTarget(body, out var stream) is { } refused)
        {
            return refused;
        }

        if (StreamInputProblem(body) is { } problem)
        {
            return problem;
        }

        var blocks = body["blocks"];
        if (blocks is not null)
        {
            if (blocks is not JsonArray array)
            {
                return Fail("invalid_blocks");
            }

            if (BlockKit.Check(array, BlockKit.MessageBlocks) is not null)
            {
                return Fail(array.Count > BlockKit.MessageBlocks ? "msg_blocks_too_many" : "invalid_blocks", BlockProblem(body));
            }
        }

        if (ValidateMetadata(body["metadata"]) is { } metadataError)
        {
            return Fail(metadataError);
        }

        lock (_gate)
        {
            if (stream!.State == SlackStreamState.Stopped)
            {
                return Fail("message_not_in_streaming_state");
            }

            var text = stream.Add((string?)body["markdown_text"], body["chunks"] as JsonArray);
            var metadata = body["metadata"] is { } m ? (m is JsonValue ? JsonNode.Parse((string)m!)!.AsObject() : m.DeepClone().AsObject()) : null;
            stream.Stop(blocks as JsonArray, metadata);
            var after = Change(stream.Channel, stream.Ts, "chat.stopStream", message =>
            {
                message["text"] = text;
                if (blocks is JsonArray final)
                {
                    message["blocks"] = BlockKit.WithIds(final);
                }

                if (metadata is not null)
                {
                    message["metadata"] = metadata.DeepClone();
                }
            });
            return new JsonObject { ["ok"] = true, ["channel"] = stream.Channel, ["ts"] = stream.Ts, ["message"] = after };
        }
    }

    /// <summary>The stream a call addresses (<c>channel</c>, <c>ts</c>), or the error: unknown message, or a message that never streamed.</summary>
    private JsonObject? StreamTarget(JsonObject body, out SlackStream? stream)
    {
        stream = null;
        var channel = ValidChannel((string?)body["channel"]);
        if (channel is null)
        {
            return Fail("channel_not_found");
        }

        var ts = (string?)body["ts"];
        if (string.IsNullOrEmpty(ts))
        {
            return Fail("message_not_found");
        }

        lock (_gate)
        {
            stream = StreamOf(channel, ts);
            if (stream is null)
            {
                return Fail(Find(channel, ts) is null ? "message_not_found" : "message_not_in_streaming_state");
            }
        }

        return null;
    }

    /// <summary>The stream of a message, or null (call under the lock).</summary>
    private SlackStream? StreamOf(string channel, string ts) => _streams.LastOrDefault(s => s.Channel == channel && s.Ts == ts);

    /// <summary>markdown_text ≤12,000 and well-formed chunks.</summary>
    private static JsonObject? StreamInputProblem(JsonObject body)
    {
        if (((string?)body["markdown_text"])?.Length > MarkdownLimit)
        {
            return InvalidArguments($"[ERROR] must be less than {MarkdownLimit + 1} characters [json-pointer:/markdown_text]");
        }

        return body["chunks"] is { } chunks && ChunkProblem(chunks) is { } problem
            ? Fail("invalid_chunks", new JsonObject { ["response_metadata"] = new JsonObject { ["messages"] = new JsonArray(problem) } })
            : null;
    }

    /// <summary>
    /// Chunks as documented (docs.slack.dev chat.appendStream; python-slack-sdk chunk.py): <c>markdown_text{text}</c>,
    /// <c>task_update{id, title, status: pending|in_progress|complete|error}</c>, <c>plan_update{title}</c>, <c>blocks{blocks}</c>.
    /// </summary>
    private static string? ChunkProblem(JsonNode chunks)
    {
        if (chunks is not JsonArray array)
        {
            return "[ERROR] chunks must be an array [json-pointer:/chunks]";
        }

        for (var i = 0; i < array.Count; i++)
        {
            var at = $"/chunks/{i}";
            if (array[i] is not JsonObject chunk)
            {
                return $"[ERROR] must be an object [json-pointer:{at}]";
            }

            switch ((string?)chunk["type"])
            {
                case "markdown_text" when chunk["text"] is JsonValue:
                case "plan_update" when chunk["title"] is JsonValue:
                    break;
                case "task_update" when chunk["id"] is JsonValue && chunk["title"] is JsonValue
                    && (string?)chunk["status"] is "pending" or "in_progress" or "complete" or "error":
                    break;
                case "blocks" when chunk["blocks"] is JsonArray blocks:
                    if (BlockKit.Check(blocks, BlockKit.MessageBlocks) is { } problem)
                    {
                        return problem.Replace("[json-pointer:/blocks", $"[json-pointer:{at}/blocks", StringComparison.Ordinal);
                    }

                    break;
                default:
                    return $"[ERROR] not a valid chunk (type markdown_text, task_update, plan_update or blocks, with its fields) [json-pointer:{at}]";
            }
        }

        return null;
    }

    private static JsonObject Warn(JsonObject answer, string warning)
    {
        answer["warning"] = warning;
        answer["response_metadata"] = new JsonObject { ["warnings"] = new JsonArray(warning) };
        return answer;
    }
}
