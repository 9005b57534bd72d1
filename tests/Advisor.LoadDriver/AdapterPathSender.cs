using System.Diagnostics;
using System.Globalization;
using Advisor.Core.Turns;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.LoadDriver;

/// <summary>
/// Does what a platform adapter does with an incoming message, minus the wire: one turn of the real
/// <see cref="TurnPipeline"/> (dedupe, validation, the per-user limit, the conversation's history from the store, the
/// advisor, the turn kept) with a reply channel that only neutralizes mentions, as a renderer would. The time is taken
/// when the answer is handed to the channel — when a platform would have it, as the emulator senders measure —
/// and the turn is kept after that, as on the platforms (the call waits for it, so the rate is honest).
/// </summary>
internal sealed class AdapterPathSender(IServiceProvider services, int users) : IQuestionSender
{
    private readonly TurnPipeline _pipeline = services.GetRequiredService<TurnPipeline>();
    private readonly TimeProvider _time = services.GetRequiredService<TimeProvider>();

    public string Name => "adapter path (in-process turn pipeline)";

    public async Task<double> SendAsync(int sequence, string question, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var user = string.Create(CultureInfo.InvariantCulture, $"user-{sequence % users}");
        var channel = new RenderOnly();
        var outcome = await _pipeline.HandleAsync(
            new IncomingMessage
            {
                Platform = "load",
                DedupeKey = string.Create(CultureInfo.InvariantCulture, $"{sequence}:{Guid.NewGuid():N}"),
                ConversationKey = "load:" + user,
                UserKey = user,
                Text = question,
                ReceivedAt = _time.GetUtcNow(),
            },
            channel,
            cancellationToken).ConfigureAwait(false);
        return outcome.Status switch
        {
            TurnStatus.Answered => Stopwatch.GetElapsedTime(start, channel.DeliveredAt).TotalMilliseconds,
            TurnStatus.Refused => double.NaN, // not an answer (the per-user limit): kept out of the latency figures
            _ => throw new InvalidOperationException($"question {sequence} was not answered: {outcome.Status}"),
        };
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Renders nothing and delivers at once: the pipeline's own cost, without a platform's.</summary>
    private sealed class RenderOnly : IReplyChannel
    {
        /// <summary>When the answer was handed over (a <see cref="Stopwatch"/> timestamp).</summary>
        public long DeliveredAt { get; private set; }

        public ReplyCapabilities Capabilities => ReplyCapabilities.None;

        public IAsyncDisposable ShowProgress(CancellationToken cancellationToken) => ReplyProgress.None;

        public ValueTask<bool> AnsweredBeforeAsync(CancellationToken cancellationToken) => ValueTask.FromResult(false);

        public Task<DeliveryResult> SendAnswerAsync(TurnReply reply, CancellationToken cancellationToken)
        {
            _ = Core.Answers.MentionGuard.Neutralize(reply.Answer.Text);
            DeliveredAt = Stopwatch.GetTimestamp();
            return Task.FromResult(DeliveryResult.Sent());
        }

        public Task<DeliveryResult> SendNoticeAsync(TurnNotice notice, CancellationToken cancellationToken) => Task.FromResult(DeliveryResult.Sent());

        public Task<DeliveryResult> UpdateAsync(string messageId, TurnReply reply, CancellationToken cancellationToken) => Task.FromResult(DeliveryResult.NotDelivered);
    }
}
