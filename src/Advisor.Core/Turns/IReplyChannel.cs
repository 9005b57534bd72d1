namespace Advisor.Core.Turns;

/// <summary>
/// Where the replies to one incoming message go, and how they look on its platform: the adapter's side of a turn. An
/// adapter makes one per message (it knows the channel, thread, interaction token…) and renders there — Block Kit,
/// Discord embeds, console text. Sends follow the platform's delivery policy and do not throw for a reply that could
/// not be delivered: they say so in the <see cref="DeliveryResult"/>.
/// </summary>
public interface IReplyChannel
{
    /// <summary>What the channel can do beyond sending (updating a message; streaming, later).</summary>
    ReplyCapabilities Capabilities { get; }

    /// <summary>
    /// Shows that the bot is working on the answer (a reaction, typing, a deferred "thinking…"), or does nothing. Never
    /// delays the answer: it is started, not awaited. The handle ends it; a channel may end it sooner itself (when it
    /// sends the reply).
    /// </summary>
    IAsyncDisposable ShowProgress(CancellationToken cancellationToken);

    /// <summary>
    /// True when a reply to this message is on the platform already — an event delivered again after the process that
    /// answered it stopped — so it is not answered twice. False when there is none or the platform cannot be asked.
    /// </summary>
    ValueTask<bool> AnsweredBeforeAsync(CancellationToken cancellationToken);

    /// <summary>Renders and sends an answer (in as many messages as the platform's limits need).</summary>
    Task<DeliveryResult> SendAnswerAsync(TurnReply reply, CancellationToken cancellationToken);

    /// <summary>Sends a notice (busy, over the limit, invalid, the apology) — to the asker only where the platform allows.</summary>
    Task<DeliveryResult> SendNoticeAsync(TurnNotice notice, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a message this channel sent (<see cref="DeliveryResult.MessageId"/>) with another answer. Only with
    /// <see cref="ReplyCapabilities.Update"/>; otherwise not delivered.
    /// </summary>
    Task<DeliveryResult> UpdateAsync(string messageId, TurnReply reply, CancellationToken cancellationToken);

    /// <summary>
    /// Where this channel replies, written down so that another replica can rebuild it and finish the answer should
    /// this one die mid-way (<see cref="Coordination.IInFlightClaims"/>); null for a channel nobody else can reply
    /// through (the console, the web page, a test's recorder).
    /// </summary>
    ReplyTarget? Target => null;
}
