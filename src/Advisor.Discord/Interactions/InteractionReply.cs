using Advisor.Core.Turns;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;

namespace Advisor.Discord.Interactions;

/// <summary>
/// The replies to one deferred slash command: the result edits the deferred response (<c>@original</c>, the
/// "thinking…" Discord shows, which is the progress) and any further parts follow it; an error or notice goes to the
/// caller only — the public placeholder is deleted and the text follows ephemerally (or, for a private command, the
/// placeholder becomes the text). Sent by the delivery policy (GET <c>@original</c> after an unclear edit).
/// </summary>
internal sealed class InteractionReply(DiscordDelivery delivery, InteractionContext context, bool ephemeral) : IReplyChannel
{
    /// <summary>Discord's name of an interaction's original response, the <see cref="DeliveryResult.MessageId"/> of a result.</summary>
    public const string OriginalId = "@original";

    public ReplyCapabilities Capabilities => ReplyCapabilities.Update;

    /// <summary>Nothing more: the deferral already shows "thinking…" until the result replaces it.</summary>
    public IAsyncDisposable ShowProgress(CancellationToken cancellationToken) => ReplyProgress.None;

    /// <summary>False: an interaction is worked on once (a repeat gets the first one's response).</summary>
    public ValueTask<bool> AnsweredBeforeAsync(CancellationToken cancellationToken) => ValueTask.FromResult(false);

    public Task<DeliveryResult> SendAnswerAsync(TurnReply reply, CancellationToken cancellationToken) =>
        SendAsync(DiscordFormatter.Answer(reply.Answer), cancellationToken);

    public Task<DeliveryResult> SendNoticeAsync(TurnNotice notice, CancellationToken cancellationToken) =>
        FailAsync(notice.Text, cancellationToken);

    /// <summary>Edits the original response (<see cref="OriginalId"/>) into the first message of another answer.</summary>
    public async Task<DeliveryResult> UpdateAsync(string messageId, TurnReply reply, CancellationToken cancellationToken) =>
        messageId == OriginalId && await delivery.EditOriginalAsync(context.Id, context.Token, DiscordFormatter.Answer(reply.Answer)[0], cancellationToken)
            ? DeliveryResult.Sent(OriginalId)
            : DeliveryResult.NotDelivered;

    /// <summary>The command's result: the deferred response edited into the first message, the rest as follow-ups.</summary>
    public async Task<DeliveryResult> SendAsync(IReadOnlyList<DiscordMessagePayload> messages, CancellationToken cancellationToken)
    {
        if (!await delivery.EditOriginalAsync(context.Id, context.Token, messages[0], cancellationToken))
        {
            return DeliveryResult.NotDelivered;
        }

        foreach (var more in messages.Skip(1))
        {
            if (!await delivery.FollowupAsync(context.Id, context.Token, ephemeral ? more with { Flags = DiscordMessagePayload.EphemeralFlag } : more, cancellationToken))
            {
                return DeliveryResult.NotDelivered;
            }
        }

        return DeliveryResult.Sent(OriginalId);
    }

    /// <summary>An error or notice for the caller only.</summary>
    public async Task<DeliveryResult> FailAsync(string message, CancellationToken cancellationToken)
    {
        var parts = DiscordFormatter.Text(message, ephemeral: true);
        if (ephemeral)
        {
            // The deferral is private already: the message becomes the error.
            if (!await delivery.EditOriginalAsync(context.Id, context.Token, parts[0], cancellationToken))
            {
                return DeliveryResult.NotDelivered;
            }

            foreach (var part in parts.Skip(1))
            {
                if (!await delivery.FollowupAsync(context.Id, context.Token, part, cancellationToken))
                {
                    return DeliveryResult.NotDelivered;
                }
            }

            return DeliveryResult.Sent(OriginalId);
        }

        // The deferral was public; errors are for the caller only, so the public placeholder goes away.
        await delivery.DeleteOriginalAsync(context.Id, context.Token, cancellationToken);
        foreach (var part in parts)
        {
            if (!await delivery.FollowupAsync(context.Id, context.Token, part, cancellationToken))
            {
                return DeliveryResult.NotDelivered;
            }
        }

        return DeliveryResult.Sent();
    }
}
