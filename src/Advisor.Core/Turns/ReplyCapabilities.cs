namespace Advisor.Core.Turns;

/// <summary>What a <see cref="IReplyChannel"/> can do beyond sending.</summary>
[Flags]
public enum ReplyCapabilities
{
    /// <summary>Sends answers and notices only.</summary>
    None = 0,

    /// <summary><see cref="IReplyChannel.UpdateAsync"/> replaces a message it sent.</summary>
    Update = 1,

    /// <summary>
    /// Shows a model-written answer as it is written: the channel is an <see cref="IStreamingReplyChannel"/>, and the
    /// pipeline hands it the advisor's stream of updates instead of the finished answer. The final message is the same
    /// as <see cref="IReplyChannel.SendAnswerAsync"/> would send.
    /// </summary>
    Streaming = 2,
}
