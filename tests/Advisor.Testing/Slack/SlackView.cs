using System.Text.Json.Nodes;

namespace Advisor.Testing.Slack;

/// <summary>
/// A modal the app opened (views.open) and every version views.update gave it. <see cref="View"/> is the view as
/// Slack returns it (id, hash, state, callback_id, private_metadata, blocks with their block_ids); safe to read while
/// the app updates it.
/// </summary>
public sealed class SlackView
{
    private readonly Lock _lock = new();
    private readonly List<JsonObject> _versions = [];

    internal SlackView(string id, string triggerId, string? user, JsonObject view)
    {
        Id = id;
        TriggerId = triggerId;
        User = user;
        _versions.Add(view);
    }

    /// <summary>The view id (V…).</summary>
    public string Id { get; }

    /// <summary>The trigger_id (or interactivity_pointer) views.open exchanged.</summary>
    public string TriggerId { get; }

    /// <summary>The user the trigger was issued for, when the emulator issued it; else null.</summary>
    public string? User { get; }

    public DateTimeOffset OpenedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The view now.</summary>
    public JsonObject View
    {
        get
        {
            lock (_lock)
            {
                return _versions[^1].DeepClone().AsObject();
            }
        }
    }

    /// <summary>Every version: as opened, then after each views.update.</summary>
    public IReadOnlyList<JsonObject> Versions
    {
        get
        {
            lock (_lock)
            {
                return [.. _versions.Select(v => v.DeepClone().AsObject())];
            }
        }
    }

    public string? CallbackId => (string?)View["callback_id"];

    public string? PrivateMetadata => (string?)View["private_metadata"];

    public string? ExternalId => (string?)View["external_id"] is { Length: > 0 } id ? id : null;

    public string Hash => (string)View["hash"]!;

    internal void Add(JsonObject view)
    {
        lock (_lock)
        {
            _versions.Add(view);
        }
    }
}
