namespace Advisor.Core.Turns;

/// <summary>
/// One chat message as the <see cref="TurnPipeline"/> takes it: what an adapter reads out of its platform's event (a
/// Slack mention, a Discord message, a slash command, a line typed in the console) before anything is decided about it.
/// </summary>
public sealed record IncomingMessage
{
    /// <summary>The platform's name ("slack", "discord", "cli"): metrics, logs, the question log, the user hash.</summary>
    public required string Platform { get; init; }

    /// <summary>
    /// What makes this message the same message when the platform delivers it again (a Slack channel and ts, a Discord
    /// message or interaction id); unique within <see cref="Platform"/>. A second message with the same key is not
    /// answered. Empty for a message the platform never delivers twice (a Slack slash command): no dedupe.
    /// </summary>
    public required string DedupeKey { get; init; }

    /// <summary>
    /// The conversation the message belongs to (a thread, a direct-message channel, a channel's slash commands): its
    /// history and where its turn is kept. Never holds a user id: see <see cref="PerUser"/>.
    /// </summary>
    public required string ConversationKey { get; init; }

    /// <summary>
    /// True when each asker has a conversation of their own within <see cref="ConversationKey"/> (an ordinary Discord
    /// channel, Slack's <c>/ask</c> in a channel). The pipeline then keys the conversation by the key and the asker's
    /// salted hash, so the store never sees the user id there either.
    /// </summary>
    public bool PerUser { get; init; }

    /// <summary>
    /// The asker's id on the platform, as the platform gives it (e.g. <c>U0123ABCD</c>). Used for the per-user limit and,
    /// hashed with the salted <see cref="Conversations.UserHasher"/>, in what is stored — never stored itself.
    /// </summary>
    public required string UserKey { get; init; }

    /// <summary>The question, with the platform's mention of the bot removed and its markup decoded.</summary>
    public required string Text { get; init; }

    /// <summary>
    /// True for a command (<c>/ask</c>): it must be answered, so every refusal is said (a chat message over the limit
    /// is told once per window, a command each time).
    /// </summary>
    public bool IsCommand { get; init; }

    /// <summary>
    /// True when the message is addressed to the bot (a mention, a direct message, a command). False for a message in
    /// a thread without a mention: it is answered only when the bot takes part in that conversation (a follow-up), and
    /// a follow-up that is not a question (no text) is left alone rather than told it is empty.
    /// </summary>
    public bool Addressed { get; init; } = true;

    /// <summary>When the adapter received it: the turn's latency is measured from here to the delivered reply.</summary>
    public DateTimeOffset ReceivedAt { get; init; }
}
