namespace Advisor.Core.Turns;

/// <summary>
/// Where the replies to one message go, written down so that another replica can rebuild the
/// <see cref="IReplyChannel"/> and finish the answer when the replica that took the message on dies
/// (<see cref="Coordination.IInFlightClaims"/>). What the values mean is the platform's business: its
/// <see cref="Coordination.IReplyChannelFactory"/> reads what its reply channels wrote (a Slack channel and thread, a
/// response URL; a Discord message id, an interaction token). A target holds what the platform needs to reply and
/// nothing more, and lives only as long as the question is in flight.
/// </summary>
public sealed record ReplyTarget
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The platform whose factory rebuilds it ("slack", "discord").</summary>
    public required string Platform { get; init; }

    /// <summary>Which reply channel of the platform ("thread", "command", "message", "interaction").</summary>
    public required string Kind { get; init; }

    /// <summary>The channel's own values, by name.</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = None;

    /// <summary>
    /// The last moment another replica may still answer through it (a Discord interaction token lives 15 minutes, a
    /// Slack response URL 30), or null when it does not expire.
    /// </summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>A value, or null when the target has none by that name.</summary>
    public string? Value(string name) => Values.TryGetValue(name, out var value) ? value : null;

    /// <summary>A value read as a flag ("1" is true; anything else, or none, false).</summary>
    public bool Flag(string name) => Value(name) == "1";
}
