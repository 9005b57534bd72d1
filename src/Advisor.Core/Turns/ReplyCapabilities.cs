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
    /// Reserved for streamed answers (a model-written answer shown as it is written). No channel sets it yet; a
    /// channel that does will take the advisor's stream of updates, and the pipeline will hand it the stream instead of
    /// the finished answer. The final message must be the same as <see cref="IReplyChannel.SendAnswerAsync"/> would send.
    /// </summary>
    Streaming = 2,
}
