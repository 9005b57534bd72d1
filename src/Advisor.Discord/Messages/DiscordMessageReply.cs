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
    DiscordMessageReply.Question question) : IReplyChannel
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

    /// <summary>The message being answered, as taken in.</summary>
    /// <param name="Id">The message's id.</param>
    /// <param name="Channel">Its channel (a thread or a DM channel too).</param>
    /// <param name="Text">The question (names the thread, when one is opened).</param>
    /// <param name="OpenThread">True when an answer is to go into a thread opened from the message.</param>
    internal sealed record Question(string Id, string Channel, string Text, bool OpenThread);

    public ReplyCapabilities Capabilities => ReplyCapabilities.Update;

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
        var channel = question.Channel;
        string? replyTo = question.Id;
        string? conversation = null;
        if (question.OpenThread)
        {
            if (await delivery.StartThreadAsync(question.Channel, question.Id, ThreadName(question.Text), cancellationToken).ConfigureAwait(false) is { } thread
                && thread != question.Channel)
            {
                channel = thread;
                replyTo = null;
                conversation = DiscordConversation.ChannelKey(thread);
            }
            else
            {
                Log.ThreadFailed(logger, question.Channel);
            }
        }

        var sent = await SendAsync(channel, replyTo, DiscordFormatter.Answer(reply.Answer), AnswerKind, cancellationToken).ConfigureAwait(false);
        _answerChannel = channel;
        return sent with { ConversationKey = sent.Delivered ? conversation : null };
    }

    public async Task<DeliveryResult> SendNoticeAsync(TurnNotice notice, CancellationToken cancellationToken)
    {
        await StopTypingAsync().ConfigureAwait(false);
        var kind = notice.Kind is Core.Turns.NoticeKind.Invalid or Core.Turns.NoticeKind.Apology ? ErrorKind : NoticeKind;
        return await SendAsync(question.Channel, question.Id, DiscordFormatter.Text(notice.Text), kind, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Edits a message of the answer (in the thread it went to) into the first message of another answer's rendering.</summary>
    public async Task<DeliveryResult> UpdateAsync(string messageId, TurnReply reply, CancellationToken cancellationToken) =>
        await delivery.EditAsync(_answerChannel ?? question.Channel, messageId, DiscordFormatter.Answer(reply.Answer)[0], cancellationToken).ConfigureAwait(false)
            ? DeliveryResult.Sent(messageId)
            : DeliveryResult.NotDelivered;

    /// <summary>
    /// Posts the parts of one reply in order, each with its own nonce (kind, question id, part); not delivered when a
    /// part could not be (the rest is not sent).
    /// </summary>
    private async Task<DeliveryResult> SendAsync(string channel, string? replyTo, IReadOnlyList<DiscordMessagePayload> messages, char kind, CancellationToken ct)
    {
        string? first = null;
        for (var i = 0; i < messages.Count; i++)
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

        [LoggerMessage(307, LogLevel.Debug, "Discord: typing indicator in {ChannelId} failed: {Error}")]
        public static partial void TypingFailed(ILogger logger, string channelId, string error);
    }
}
