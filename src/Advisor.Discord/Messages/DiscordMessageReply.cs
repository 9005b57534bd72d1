using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Turns;
using Advisor.Discord.Rest;
using Microsoft.Extensions.Logging;

namespace Advisor.Discord.Messages;

/// <summary>
/// The replies to one Discord message (a mention, a DM, a follow-up in a thread), as embeds in reply to it. Every part
/// carries a nonce made from the question's id, the reply's kind and the part (enforced), so a part whose sending must
/// be repeated is still posted once. With <c>CreateThreads</c>, an answer to a question in an ordinary channel opens a
/// thread from it and goes there (and the conversation continues there); notices stay in the channel. Progress is the
/// typing indicator, shown only when the answer takes longer than <see cref="TypingDelay"/> and stopped before the
/// reply is sent.
/// </summary>
internal sealed partial class DiscordMessageReply(
    DiscordDelivery delivery,
    DiscordRestClient rest,
    TimeProvider time,
    ILogger logger,
    DiscordMessageReply.Question question,
    StreamingSettings? streaming = null) : IStreamingReplyChannel
{
    /// <summary>How long an answer may take before the typing indicator is shown.</summary>
    internal static readonly TimeSpan TypingDelay = TimeSpan.FromSeconds(1);

    /// <summary>The indicator lasts 10 s; it is renewed before it runs out.</summary>
    private static readonly TimeSpan TypingRefresh = TimeSpan.FromSeconds(8);

    /// <summary>The nonce kinds: the answer, an error or problem reply, a notice. A question gets only one of them.</summary>
    private const char AnswerKind = 'a';
    private const char ErrorKind = 'e';
    private const char NoticeKind = 'n';

    private Typing? _typing;
    private string? _answerChannel;
    private Destination? _target;

    /// <summary>Where the answer goes: the channel (or the thread opened for it), the message it replies to, a moved conversation.</summary>
    private sealed record Destination(string Channel, string? ReplyTo, string? Conversation);

    /// <summary>The message being answered, as taken in.</summary>
    /// <param name="Id">The message's id.</param>
    /// <param name="Channel">Its channel (a thread or a DM channel too).</param>
    /// <param name="Text">The question (names the thread, when one is opened).</param>
    /// <param name="OpenThread">True when an answer is to go into a thread opened from the message.</param>
    internal sealed record Question(string Id, string Channel, string Text, bool OpenThread);

    /// <summary>Updates; and streaming when a model writes the answers (<see cref="StreamingSettings.Enabled"/>).</summary>
    public ReplyCapabilities Capabilities => streaming is { Enabled: true } ? ReplyCapabilities.Update | ReplyCapabilities.Streaming : ReplyCapabilities.Update;

    /// <summary>
    /// Where this channel replies, for another replica to rebuild it (<see cref="DiscordReplyChannelFactory"/>): the
    /// message, its channel, the question and whether a thread is opened for the answer.
    /// </summary>
    public ReplyTarget Target => DiscordReplyChannelFactory.Target(DiscordReplyChannelFactory.MessageKind, until: null,
        ("id", question.Id), ("channel", question.Channel), ("text", question.Text), ("open_thread", question.OpenThread ? "1" : null));

    /// <summary>Typing, after <see cref="TypingDelay"/> without an answer (a fast answer costs no extra REST call).</summary>
    public IAsyncDisposable ShowProgress(CancellationToken cancellationToken)
    {
        var typing = new Typing(this, cancellationToken);
        _typing = typing;
        return typing;
    }

    /// <summary>False: a repeat is posted with the same nonce, and Discord keeps one.</summary>
    public ValueTask<bool> AnsweredBeforeAsync(CancellationToken cancellationToken) => ValueTask.FromResult(false);

    public async Task<DeliveryResult> SendAnswerAsync(TurnReply reply, CancellationToken cancellationToken)
    {
        await StopTypingAsync().ConfigureAwait(false);
        var target = await TargetAsync(cancellationToken).ConfigureAwait(false);
        var sent = await SendAsync(target.Channel, target.ReplyTo, AnswerComponents.Answer(reply), AnswerKind, 0, cancellationToken).ConfigureAwait(false);
        return sent with { ConversationKey = sent.Delivered ? target.Conversation : null };
    }

    /// <summary>
    /// A model's answer shown as it is written: the first delta posts the answer's first message (with the nonce and
    /// reply the finished one would have), later text edits it at the paced rate, and the end is one edit into exactly
    /// what <see cref="SendAnswerAsync"/> sends (embeds, citations, buttons), any further parts posted after it. An answer
    /// that arrives whole is simply sent. A stream that fails midway: the partial message is deleted and the failure
    /// thrown, so the pipeline's one apology is all that is left.
    /// </summary>
    public async Task<(DeliveryResult Delivery, Answer? Final)> StreamAnswerAsync(
        TurnId turnId, IAsyncEnumerable<AnswerUpdate> updates, Func<Answer, TurnReply> finish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(finish);
        string? posted = null;
        Destination? target = null;
        var stream = new AnswerStream(
            async (partial, ct) =>
            {
                if (posted is not null)
                {
                    await rest.EditMessageAsync(target!.Channel, posted, partial, ct).ConfigureAwait(false);
                    return true;
                }

                await StopTypingAsync().ConfigureAwait(false);
                target ??= await TargetAsync(ct).ConfigureAwait(false);
                var first = (target.ReplyTo is { } replyTo ? partial with { MessageReference = new MessageReference(replyTo) } : partial)
                    .WithNonce(MessageCreateHandler.Nonce(AnswerKind, question.Id, 0));
                var sent = await delivery.PostAsync(target.Channel, first, $"the start of the answer to message {question.Id} in channel {target.Channel}", ct).ConfigureAwait(false);
                posted = sent.Delivered ? sent.MessageId : null;
                return posted is not null;
            },
            streaming?.Interval ?? StreamingSettings.DefaultInterval,
            time,
            logger);

        Answer? final;
        try
        {
            final = await stream.RunAsync(updates, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (posted is not null && !cancellationToken.IsCancellationRequested)
        {
            Log.StreamFailed(logger, question.Id, ex.GetType().Name);
            await delivery.DeleteAsync(target!.Channel, posted, cancellationToken).ConfigureAwait(false);
            throw;
        }

        if (final is null)
        {
            if (posted is not null)
            {
                await delivery.DeleteAsync(target!.Channel, posted, cancellationToken).ConfigureAwait(false);
            }

            return (DeliveryResult.NotDelivered, null);
        }

        var reply = finish(final);
        if (posted is null)
        {
            return (await SendAnswerAsync(reply, cancellationToken).ConfigureAwait(false), final);
        }

        var parts = AnswerComponents.Answer(reply);
        await stream.PaceAsync(cancellationToken).ConfigureAwait(false);
        var whole = parts[0] with { Components = parts[0].Components ?? [] };
        if (!await delivery.EditAsync(target!.Channel, posted, whole, cancellationToken).ConfigureAwait(false))
        {
            Log.SendFailed(logger, target.Channel, 1, parts.Count);
            return (DeliveryResult.NotDelivered, final);
        }

        _answerChannel = target.Channel;
        var more = await SendAsync(target.Channel, null, parts, AnswerKind, 1, cancellationToken).ConfigureAwait(false);
        return (more.Delivered ? DeliveryResult.Sent(posted, target.Conversation) : DeliveryResult.NotDelivered, final);
    }

    /// <summary>Where the answer goes, decided once: with <c>CreateThreads</c>, a thread opened from the question.</summary>
    private async Task<Destination> TargetAsync(CancellationToken cancellationToken)
    {
        if (_target is { } known)
        {
            return known;
        }

        var target = new Destination(question.Channel, question.Id, null);
        if (question.OpenThread)
        {
            if (await delivery.StartThreadAsync(question.Channel, question.Id, ThreadName(question.Text), cancellationToken).ConfigureAwait(false) is { } thread
                && thread != question.Channel)
            {
                target = new Destination(thread, null, DiscordConversation.ChannelKey(thread));
            }
            else
            {
                Log.ThreadFailed(logger, question.Channel);
            }
        }

        _answerChannel = target.Channel;
        _target = target;
        return target;
    }

    public async Task<DeliveryResult> SendNoticeAsync(TurnNotice notice, CancellationToken cancellationToken)
    {
        await StopTypingAsync().ConfigureAwait(false);
        var kind = notice.Kind is Core.Turns.NoticeKind.Invalid or Core.Turns.NoticeKind.Apology ? ErrorKind : NoticeKind;
        return await SendAsync(question.Channel, question.Id, DiscordFormatter.Text(notice.Text), kind, 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Edits a message of the answer (in the thread it went to) into the first message of another answer's rendering.</summary>
    public async Task<DeliveryResult> UpdateAsync(string messageId, TurnReply reply, CancellationToken cancellationToken) =>
        await delivery.EditAsync(_answerChannel ?? question.Channel, messageId, DiscordFormatter.Answer(reply.Answer)[0], cancellationToken).ConfigureAwait(false)
            ? DeliveryResult.Sent(messageId)
            : DeliveryResult.NotDelivered;

    /// <summary>
    /// Posts the parts of one reply in order from part <paramref name="from"/>, each with its own nonce (kind, question
    /// id, part); not delivered when a part could not be (the rest is not sent).
    /// </summary>
    private async Task<DeliveryResult> SendAsync(string channel, string? replyTo, IReadOnlyList<DiscordMessagePayload> messages, char kind, int from, CancellationToken ct)
    {
        string? first = null;
        for (var i = from; i < messages.Count; i++)
        {
            var message = (i == 0 && replyTo is not null ? messages[i] with { MessageReference = new MessageReference(replyTo) } : messages[i])
                .WithNonce(MessageCreateHandler.Nonce(kind, question.Id, i));
            var sent = await delivery.PostAsync(channel, message, $"reply {i + 1}/{messages.Count} to message {question.Id} in channel {channel}", ct).ConfigureAwait(false);
            if (!sent.Delivered)
            {
                Log.SendFailed(logger, channel, i + 1, messages.Count);
                return DeliveryResult.NotDelivered;
            }

            first ??= sent.MessageId;
        }

        return DeliveryResult.Sent(first);
    }

    private async Task StopTypingAsync()
    {
        if (Interlocked.Exchange(ref _typing, null) is { } typing)
        {
            await typing.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string ThreadName(string question)
    {
        var name = question.ReplaceLineEndings(" ");
        return name.Length <= 90 ? name : name[..89].TrimEnd() + "…";
    }

    /// <summary>The typing indicator's loop; disposing stops it and waits until no typing call is on its way.</summary>
    private sealed class Typing : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop;
        private readonly Task _loop;
        private int _disposed;

        public Typing(DiscordMessageReply owner, CancellationToken cancellationToken)
        {
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _loop = owner.TypingAsync(_stop.Token);
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            await _stop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false); // never throws: typing failures are logged inside
            _stop.Dispose();
        }
    }

    private async Task TypingAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(TypingDelay, time, ct).ConfigureAwait(false);
            while (!ct.IsCancellationRequested)
            {
                await rest.TriggerTypingAsync(question.Channel, ct).ConfigureAwait(false);
                await Task.Delay(TypingRefresh, time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is DiscordApiException or HttpRequestException)
        {
            Log.TypingFailed(logger, question.Channel, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(302, LogLevel.Warning, "Discord: could not open a thread in channel {ChannelId}; answering in the channel")]
        public static partial void ThreadFailed(ILogger logger, string channelId);

        [LoggerMessage(306, LogLevel.Error, "Discord: message {Part}/{Parts} to channel {ChannelId} was not delivered; the rest of the reply is not sent")]
        public static partial void SendFailed(ILogger logger, string channelId, int part, int parts);

        [LoggerMessage(310, LogLevel.Warning, "Discord: the streamed answer to message {MessageId} failed midway ({Error}); its partial message is deleted")]
        public static partial void StreamFailed(ILogger logger, string messageId, string error);

        [LoggerMessage(307, LogLevel.Debug, "Discord: typing indicator in {ChannelId} failed: {Error}")]
        public static partial void TypingFailed(ILogger logger, string channelId, string error);
    }
}
