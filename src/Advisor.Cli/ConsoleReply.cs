using System.Text;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Turns;

namespace Advisor.Cli;

/// <summary>
/// The console's side of a turn: answers as plain text with their sources and numbered follow-ups, notices as they
/// are. A model-written answer is printed as it is written. Writing cannot fail to arrive.
/// </summary>
internal sealed class ConsoleReply(TextWriter output) : IStreamingReplyChannel
{
    /// <summary>The last answer's turn and follow-ups: "1"…"3" ask a follow-up, /good and /bad rate the answer.</summary>
    public TurnReply? Last { get; private set; }

    public ReplyCapabilities Capabilities => ReplyCapabilities.Streaming;

    public IAsyncDisposable ShowProgress(CancellationToken cancellationToken) => ReplyProgress.None;

    public ValueTask<bool> AnsweredBeforeAsync(CancellationToken cancellationToken) => ValueTask.FromResult(false);

    public async Task<DeliveryResult> SendAnswerAsync(TurnReply reply, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(TextRendering.Answer(reply.Answer) + FollowUpLines(reply)).ConfigureAwait(false);
        Last = reply;
        return DeliveryResult.Sent();
    }

    public async Task<(DeliveryResult Delivery, Answer? Final)> StreamAnswerAsync(
        TurnId turnId, IAsyncEnumerable<AnswerUpdate> updates, Func<Answer, TurnReply> finish, CancellationToken cancellationToken)
    {
        var shown = new StringBuilder();
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (update.Final is not { } final)
            {
                shown.Append(update.TextDelta);
                await output.WriteAsync(update.TextDelta).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            var reply = finish(final);
            if (shown.Length == 0)
            {
                return (await SendAnswerAsync(reply, cancellationToken).ConfigureAwait(false), final);
            }

            // The text is on screen; what the final answer adds is its sources and follow-ups — or, when it is not the
            // text streamed (a model answer replaced by the extractive one), the whole answer again.
            var rendered = TextRendering.Answer(final);
            var rest = rendered.StartsWith(shown.ToString(), StringComparison.Ordinal) ? rendered[shown.Length..] : "\n(revised answer)\n" + rendered;
            await output.WriteLineAsync(rest + FollowUpLines(reply)).ConfigureAwait(false);
            Last = reply;
            return (DeliveryResult.Sent(), final);
        }

        return (DeliveryResult.NotDelivered, null);
    }

    public async Task<DeliveryResult> SendNoticeAsync(TurnNotice notice, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(notice.Text).ConfigureAwait(false);
        return DeliveryResult.Sent();
    }

    /// <summary>Text once written stays: nothing to update.</summary>
    public Task<DeliveryResult> UpdateAsync(string messageId, TurnReply reply, CancellationToken cancellationToken) =>
        Task.FromResult(DeliveryResult.NotDelivered);

    private static string FollowUpLines(TurnReply reply)
    {
        if (reply.FollowUps.Count == 0)
        {
            return "";
        }

        var sb = new StringBuilder("\n\nNext:");
        for (var i = 0; i < reply.FollowUps.Count; i++)
        {
            sb.Append(' ').Append(i + 1).Append(") ").Append(reply.FollowUps[i].Label).Append(' ');
        }

        return sb.Append("— type a number to ask it").ToString();
    }
}
