using Advisor.Core.Turns;

namespace Advisor.Cli;

/// <summary>The console's side of a turn: answers as plain text with their sources, notices as they are. Writing cannot fail to arrive.</summary>
internal sealed class ConsoleReply(TextWriter output) : IReplyChannel
{
    public ReplyCapabilities Capabilities => ReplyCapabilities.None;

    public IAsyncDisposable ShowProgress(CancellationToken cancellationToken) => ReplyProgress.None;

    public ValueTask<bool> AnsweredBeforeAsync(CancellationToken cancellationToken) => ValueTask.FromResult(false);

    public async Task<DeliveryResult> SendAnswerAsync(TurnReply reply, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(TextRendering.Answer(reply.Answer)).ConfigureAwait(false);
        return DeliveryResult.Sent();
    }

    public async Task<DeliveryResult> SendNoticeAsync(TurnNotice notice, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(notice.Text).ConfigureAwait(false);
        return DeliveryResult.Sent();
    }

    /// <summary>Text once written stays: nothing to update.</summary>
    public Task<DeliveryResult> UpdateAsync(string messageId, TurnReply reply, CancellationToken cancellationToken) =>
        Task.FromResult(DeliveryResult.NotDelivered);
}
