namespace Advisor.Core.Turns;

/// <summary>What sending a reply through a <see cref="IReplyChannel"/> came to.</summary>
/// <param name="Delivered">True when the platform has the whole reply (every part of it).</param>
/// <param name="MessageId">The platform's id of the (first) message, when it gave one (a Slack ts, a Discord message id).</param>
/// <param name="ConversationKey">
/// Set when the reply moved the conversation somewhere new — a Discord answer that opened a thread: the turn is kept
/// under this key, so a follow-up there is recognised. Null: the message's own conversation.
/// </param>
public readonly record struct DeliveryResult(bool Delivered, string? MessageId = null, string? ConversationKey = null)
{
    /// <summary>Not delivered (or not known to be): refused, given up, or the outcome could not be told.</summary>
    public static DeliveryResult NotDelivered => default;

    /// <summary>Delivered, with the platform's message id when known.</summary>
    public static DeliveryResult Sent(string? messageId = null, string? conversationKey = null) => new(true, messageId, conversationKey);
}
