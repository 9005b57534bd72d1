using System.Text;
using System.Text.Json.Nodes;

namespace Advisor.Testing.Slack;

/// <summary>
/// One streamed message (chat.startStream … chat.stopStream): the markdown it has accumulated, each piece in order,
/// the chunks, and what chat.stopStream added at the end (blocks shown at the bottom of the final message, metadata).
/// Safe to read while the app is still streaming.
/// </summary>
public sealed class SlackStream
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new();
    private readonly List<string> _pieces = [];
    private readonly List<JsonObject> _chunks = [];
    private SlackStreamState _state;
    private JsonArray? _blocks;
    private JsonObject? _metadata;
    private DateTimeOffset? _stoppedAt;
    private bool _userStopped;

    internal SlackStream(string channel, string ts, string? threadTs, string? recipientUserId, string? recipientTeamId, string? taskDisplayMode)
    {
        Channel = channel;
        Ts = ts;
        ThreadTs = threadTs;
        RecipientUserId = recipientUserId;
        RecipientTeamId = recipientTeamId;
        TaskDisplayMode = taskDisplayMode;
    }

    public string Channel { get; }

    /// <summary>The streamed message's ts (what chat.startStream returned).</summary>
    public string Ts { get; }

    public string? ThreadTs { get; }

    public string? RecipientUserId { get; }

    public string? RecipientTeamId { get; }

    /// <summary><c>timeline</c> (Slack's default when null) or <c>plan</c>.</summary>
    public string? TaskDisplayMode { get; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public SlackStreamState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>All markdown streamed so far (start, appends, stop; markdown_text arguments and markdown_text chunks).</summary>
    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>The markdown of each call that carried some, in order (the start's first, if it had any).</summary>
    public IReadOnlyList<string> Pieces
    {
        get
        {
            lock (_lock)
            {
                return [.. _pieces];
            }
        }
    }

    /// <summary>Every chunk sent (<c>markdown_text</c>, <c>task_update</c>, <c>plan_update</c>, <c>blocks</c>), in order.</summary>
    public IReadOnlyList<JsonObject> Chunks
    {
        get
        {
            lock (_lock)
            {
                return [.. _chunks.Select(c => c.DeepClone().AsObject())];
            }
        }
    }

    /// <summary>The blocks chat.stopStream put at the bottom of the final message (null when none).</summary>
    public JsonArray? Blocks
    {
        get
        {
            lock (_lock)
            {
                return _blocks?.DeepClone().AsArray();
            }
        }
    }

    /// <summary>The metadata chat.stopStream attached (null when none).</summary>
    public JsonObject? Metadata
    {
        get
        {
            lock (_lock)
            {
                return _metadata?.DeepClone().AsObject();
            }
        }
    }

    /// <summary>True once the user pressed Stop (<see cref="SlackEmulator.StopStreamByUser"/>), even after the app then stopped the stream.</summary>
    public bool UserStopped
    {
        get
        {
            lock (_lock)
            {
                return _userStopped;
            }
        }
    }

    public DateTimeOffset? StoppedAt
    {
        get
        {
            lock (_lock)
            {
                return _stoppedAt;
            }
        }
    }

    /// <summary>Adds a call's markdown and chunks; returns the text so far.</summary>
    internal string Add(string? markdown, JsonArray? chunks)
    {
        lock (_lock)
        {
            var piece = new StringBuilder(markdown ?? "");
            foreach (var chunk in (chunks ?? []).OfType<JsonObject>())
            {
                _chunks.Add(chunk.DeepClone().AsObject());
                if ((string?)chunk["type"] == "markdown_text")
                {
                    piece.Append((string?)chunk["text"]);
                }
            }

            if (piece.Length > 0)
            {
                _pieces.Add(piece.ToString());
                _text.Append(piece);
            }

            return _text.ToString();
        }
    }

    internal void Stop(JsonArray? blocks, JsonObject? metadata)
    {
        lock (_lock)
        {
            _state = SlackStreamState.Stopped;
            _blocks = blocks?.DeepClone().AsArray();
            _metadata = metadata?.DeepClone().AsObject();
            _stoppedAt = DateTimeOffset.UtcNow;
        }
    }

    internal void StopByUser()
    {
        lock (_lock)
        {
            if (_state == SlackStreamState.Streaming)
            {
                _state = SlackStreamState.StoppedByUser;
                _userStopped = true;
            }
        }
    }
}
