using System.Collections.Concurrent;
using Advisor.Core.Turns;

namespace Advisor.Redis.Tests;

/// <summary>A reply channel that records what a replica's pipeline sends.</summary>
internal sealed class RecordingChannel : IReplyChannel
{
    public ConcurrentQueue<TurnReply> Answers { get; } = new();

    public ConcurrentQueue<TurnNotice> Notices { get; } = new();

    public ReplyCapabilities Capabilities => ReplyCapabilities.None;

    public IAsyncDisposable ShowProgress(CancellationToken cancellationToken) => new Nothing();

    public ValueTask<bool> AnsweredBeforeAsync(CancellationToken cancellationToken) => ValueTask.FromResult(false); // as if nothing were on the platform yet

    public Task<DeliveryResult> SendAnswerAsync(TurnReply reply, CancellationToken cancellationToken)
    {
        Answers.Enqueue(reply);
        return Task.FromResult(DeliveryResult.Sent("m" + Answers.Count));
    }

    public Task<DeliveryResult> SendNoticeAsync(TurnNotice notice, CancellationToken cancellationToken)
    {
        Notices.Enqueue(notice);
        return Task.FromResult(DeliveryResult.Sent());
    }

    public Task<DeliveryResult> UpdateAsync(string messageId, TurnReply reply, CancellationToken cancellationToken) => Task.FromResult(DeliveryResult.NotDelivered);

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
