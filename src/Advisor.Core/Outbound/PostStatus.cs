namespace Advisor.Core.Outbound;

/// <summary>How a message the bot sends on its own (a digest, a reload notice) went.</summary>
public enum PostStatus
{
    /// <summary>The platform has it.</summary>
    Sent,

    /// <summary>It did not arrive (refused, or given up after the delivery policy's retries); worth trying again later.</summary>
    NotDelivered,

    /// <summary>There is nowhere to send it (a conversation without a thread or channel of its own): not tried, and not worth trying again.</summary>
    NoPlace,
}
