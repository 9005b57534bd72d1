using Advisor.Core.Answers;
using Advisor.Core.Conversations;

namespace Advisor.Core.Turns;

/// <summary>
/// A reply channel that can show an answer while it is being written (Slack's chat streams, Discord message edits).
/// The pipeline uses it when the channel has <see cref="ReplyCapabilities.Streaming"/>.
/// </summary>
public interface IStreamingReplyChannel : IReplyChannel
{
    /// <summary>
    /// Shows the answer as <paramref name="updates"/> arrive and ends with the same message <see cref="IReplyChannel.SendAnswerAsync"/>
    /// would send for the final answer (<paramref name="finish"/> makes that reply, with its follow-ups and feedback id).
    /// An answer that arrives whole (the first update is already final, as the extractive default's is) is simply sent.
    /// Returns the delivery and the final answer (null when the stream ended without one). A failure of the advisor
    /// while streaming is thrown to the caller after the channel has cleaned up what it showed.
    /// </summary>
    Task<(DeliveryResult Delivery, Answer? Final)> StreamAnswerAsync(
        TurnId turnId, IAsyncEnumerable<AnswerUpdate> updates, Func<Answer, TurnReply> finish, CancellationToken cancellationToken);
}
