using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Turns;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Advisor.Discord.Interactions;

/// <summary>
/// The replies to one deferred slash command: the result edits the deferred response (<c>@original</c>, the
/// "thinking…" Discord shows, which is the progress) and any further parts follow it; an error or notice goes to the
/// caller only — the public placeholder is deleted and the text follows ephemerally (or, for a private command, the
/// placeholder becomes the text). Sent by the delivery policy (GET <c>@original</c> after an unclear edit). With
/// streaming on, a model's answer is shown in <c>@original</c> while it is written.
/// </summary>
internal sealed class InteractionReply(
    DiscordDelivery delivery,
    InteractionContext context,
    bool ephemeral,
    StreamingSettings? streaming = null,
    DiscordRestClient? rest = null,
    TimeProvider? time = null,
    ILogger? logger = null) : IStreamingReplyChannel
{
    /// <summary>Discord's name of an interaction's original response, the <see cref="DeliveryResult.MessageId"/> of a result.</summary>
    public const string OriginalId = "@original";

    /// <summary>True when each message of a (private) result gets the "Share" button (<see cref="AnswerComponents.WithShare"/>).</summary>
    public bool Share { get; init; }

    public ReplyCapabilities Capabilities => streaming is { Enabled: true } && rest is not null
        ? ReplyCapabilities.Update | ReplyCapabilities.Streaming
        : ReplyCapabilities.Update;

    /// <summary>Nothing more: the deferral already shows "thinking…" until the result replaces it.</summary>
    public IAsyncDisposable ShowProgress(CancellationToken cancellationToken) => ReplyProgress.None;

    /// <summary>The hold on the question this interaction asks, begun at intake (<see cref="IDiscordCommandModule.TakeIn"/>); null when none.</summary>
    public Advisor.Core.Coordination.InFlightClaim? InFlight { get; set; }

    /// <summary>True when it was rebuilt by another replica to finish an answer (<see cref="DiscordReplyChannelFactory"/>).</summary>
    public bool Resumed { get; init; }

    /// <summary>
    /// Where this channel replies, for another replica to rebuild it (<see cref="DiscordReplyChannelFactory"/>): the
    /// interaction and its token, the application, whether the answer is private and shareable; usable until a minute
    /// before the token's 15 minutes are up.
    /// </summary>
    public ReplyTarget Target => DiscordReplyChannelFactory.Target(DiscordReplyChannelFactory.InteractionKind,
        (context.ReceivedAt == default ? (time ?? TimeProvider.System).GetUtcNow() : context.ReceivedAt) + DiscordReplyChannelFactory.InteractionTakeOver,
        ("id", context.Id), ("token", context.Token), ("application", rest?.ApplicationId), ("ephemeral", ephemeral ? "1" : null), ("share", Share ? "1" : null));

    /// <summary>
    /// An interaction is worked on once (a repeat gets the first one's response), so false — except when this channel was
    /// rebuilt to finish another replica's answer: then <c>@original</c> is read, and a response that is no longer the
    /// deferral's "thinking…" (it was edited into the answer, or deleted for a notice) means the answer was given. When
    /// Discord cannot be asked, false (answered rather than lost).
    /// </summary>
    public async ValueTask<bool> AnsweredBeforeAsync(CancellationToken cancellationToken)
    {
        if (!Resumed || rest is null)
        {
            return false;
        }

        try
        {
            var original = await rest.GetOriginalResponseAsync(context.Token, cancellationToken).ConfigureAwait(false);
            return original is not { } shown || ((shown.Int("flags") ?? 0) & DiscordMessagePayload.LoadingFlag) == 0;
        }
        catch (Exception ex) when (ex is DiscordApiException or HttpRequestException)
        {
            return false;
        }
    }

    public Task<DeliveryResult> SendAnswerAsync(TurnReply reply, CancellationToken cancellationToken) =>
        SendAsync(AnswerComponents.Answer(reply), cancellationToken);

    /// <summary>
    /// A model's answer shown in the deferred response while it is written (<c>@original</c> edits, paced), ending with
    /// the same edit and follow-ups <see cref="SendAnswerAsync"/> sends. An answer that arrives whole is simply sent. A
    /// stream that fails midway is thrown: the apology that follows removes the partial response (<see cref="FailAsync"/>
    /// deletes the public placeholder; the commands that stream are public).
    /// </summary>
    public async Task<(DeliveryResult Delivery, Answer? Final)> StreamAnswerAsync(
        TurnId turnId, IAsyncEnumerable<AnswerUpdate> updates, Func<Answer, TurnReply> finish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(finish);
        var client = rest ?? throw new InvalidOperationException("streaming needs the REST client");
        var stream = new AnswerStream(
            async (partial, ct) =>
            {
                await client.EditOriginalResponseAsync(context.Token, partial, ct).ConfigureAwait(false);
                return true;
            },
            streaming?.Interval ?? StreamingSettings.DefaultInterval,
            time ?? TimeProvider.System,
            logger ?? NullLogger.Instance);
        var final = await stream.RunAsync(updates, cancellationToken).ConfigureAwait(false);
        if (final is null)
        {
            return (DeliveryResult.NotDelivered, null);
        }

        var parts = AnswerComponents.Answer(finish(final));
        if (stream.Shown)
        {
            await stream.PaceAsync(cancellationToken).ConfigureAwait(false);
            parts = [parts[0] with { Components = parts[0].Components ?? [] }, .. parts.Skip(1)];
        }

        return (await SendAsync(parts, cancellationToken).ConfigureAwait(false), final);
    }

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
        if (Share)
        {
            messages = AnswerComponents.WithShare(messages);
        }

        if (!await delivery.EditOriginalAsync(context.Id, context.Token, messages[0], cancellationToken))
        {
            return DeliveryResult.NotDelivered;
        }

        foreach (var more in messages.Skip(1))
        {
            if (!await delivery.FollowupAsync(context.Id, context.Token, ephemeral ? more with { Flags = (more.Flags ?? 0) | DiscordMessagePayload.EphemeralFlag } : more, cancellationToken))
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
