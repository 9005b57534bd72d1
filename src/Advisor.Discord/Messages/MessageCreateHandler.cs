using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Hosting;
using Advisor.Discord.Gateway;
using Advisor.Discord.Rest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Discord.Messages;

/// <summary>
/// Answers MESSAGE_CREATE events: mentions, direct messages, and follow-ups in a thread the bot answered in.
/// Ignores bots, itself and webhooks; dedupes by message id.
/// <para>
/// Intake (<see cref="Accept"/>, on the gateway's receive loop) decides at once: a question taken is held on the
/// <see cref="QuestionGate"/> and queued on its channel's lane of <see cref="DiscordWorkQueue"/>. One that cannot be
/// taken gets a short reply instead — "restarting" once shutdown began (held too, so it is posted before the
/// connection closes), "slow down" once per window for a user over the limit, "busy" at most once per channel per
/// <see cref="GatewaySettings.BusyNoticeInterval"/> when the queue is full. Every reply carries a nonce made from the
/// question's id, so it is posted once however often its sending has to be repeated.
/// </para>
/// </summary>
internal sealed partial class MessageCreateHandler(
    IAdvisor advisor,
    ConversationMemory memory,
    UserRateLimiter limiter,
    DiscordRestClient rest,
    DiscordDelivery delivery,
    DiscordWorkQueue work,
    QuestionGate gate,
    AdvisorMetrics metrics,
    RejectionLog rejections,
    DiscordIdentity identity,
    IOptions<DiscordOptions> options,
    GatewaySettings settings,
    TimeProvider time,
    ILogger<MessageCreateHandler> logger) : IGatewayDispatchHandler
{
    /// <summary>How long an answer may take before the typing indicator is shown.</summary>
    internal static readonly TimeSpan TypingDelay = TimeSpan.FromSeconds(1);

    /// <summary>The indicator lasts 10 s; it is renewed before it runs out.</summary>
    private static readonly TimeSpan TypingRefresh = TimeSpan.FromSeconds(8);
    private readonly RecentKeys _seen = new(time, TimeSpan.FromHours(1), 20_000);
    private readonly RecentKeys _busyNoticed = new(time, settings.BusyNoticeInterval, 10_000);

    /// <summary>The nonce kinds: the answer, an error or problem reply, a notice. A question gets only one of them.</summary>
    private const char AnswerKind = 'a';
    private const char ErrorKind = 'e';
    private const char NoticeKind = 'n';

    public bool Handles(string eventName) => eventName == "MESSAGE_CREATE";

    /// <summary>Takes one MESSAGE_CREATE on the receive loop: decides at once and queues the answering.</summary>
    public void Accept(string eventName, JsonElement d)
    {
        var id = d.Str("id");
        var channel = d.Str("channel_id");
        var author = d.Obj("author");
        if (id is null || channel is null || author is not { } a)
        {
            return;
        }

        var botId = identity.BotUserId;
        var userId = a.Str("id") ?? "";
        if (d.Str("webhook_id") is not null || a.Flag("bot") || userId == botId)
        {
            return;
        }

        var isDm = d.Str("guild_id") is null;
        var isThread = DiscordConversation.IsThread(d.Int("channel_type"));
        var mentioned = botId is not null && d.Array("mentions").Any(m => m.Str("id") == botId);
        var followUp = isThread && memory.Knows(DiscordConversation.ChannelKey(channel));
        if (!isDm && !mentioned && !followUp)
        {
            return;
        }

        // Only messages for the bot are remembered (a resume can replay them); other traffic would just crowd the set.
        if (!_seen.TryClaim(id))
        {
            Log.Duplicate(logger, id);
            return;
        }

        var text = StripMention(d.Str("content") ?? "", botId);
        if (!mentioned && !isDm && text.Length == 0)
        {
            Log.NoContent(logger, channel);
            return;
        }

        var question = new Question(id, channel, userId, text, isDm, isThread);
        var hold = gate.TryAccept();
        if (hold is null)
        {
            metrics.Refused("discord", "shutting_down");
            Log.Restarting(logger, id);
            Notice(question, QuestionGate.RestartingText, gate.Hold());
            return;
        }

        var problem = QuestionValidation.Problem(text);
        if (problem is null && !limiter.TryAcquire("discord:" + userId, out var retryAfter, out var notify))
        {
            metrics.Refused("discord", "rate_limited");
            Log.UserLimited(logger, userId, notify);
            if (notify)
            {
                Notice(question, limiter.Refusal(retryAfter), hold);
            }
            else
            {
                hold.Dispose();
            }

            return;
        }

        if (work.TryEnqueue(channel, hold, ct => AnswerAsync(question, problem, ct)))
        {
            return;
        }

        metrics.Refused("discord", "busy");
        var noticed = _busyNoticed.TryClaim(channel);
        rejections.Rejected(DiscordWorkQueue.Name, "full (busy notice at most once per channel)");
        Log.Busy(logger, id, channel, noticed);
        if (noticed)
        {
            Notice(question, DiscordNotices.Busy, hold);
        }
        else
        {
            hold.Dispose();
        }
    }

    /// <summary>A message for the bot, as taken in.</summary>
    private sealed record Question(string Id, string Channel, string UserId, string Text, bool IsDm, bool IsThread);

    private void Notice(Question question, string text, IDisposable hold) =>
        work.TryNotice(hold, ct => SendAsync(question, question.Channel, question.Id, DiscordFormatter.Text(text), NoticeKind, ct));

    /// <summary>The queued work: open a thread when configured, answer, reply.</summary>
    private async Task AnswerAsync(Question q, string? problem, CancellationToken ct)
    {
        var replyChannel = q.Channel;
        string? replyTo = q.Id;
        if (options.Value.CreateThreads && !q.IsDm && !q.IsThread && problem is null)
        {
            if (await delivery.StartThreadAsync(q.Channel, q.Id, ThreadName(q.Text), ct) is { } thread && thread != q.Channel)
            {
                replyChannel = thread;
                replyTo = null;
            }
            else
            {
                Log.ThreadFailed(logger, q.Channel);
            }
        }

        var key = DiscordConversation.Key(replyChannel, q.UserId, shared: q.IsDm || q.IsThread || replyChannel != q.Channel);
        if (problem is not null)
        {
            await SendAsync(q, replyChannel, replyTo, DiscordFormatter.Text(problem), ErrorKind, ct);
            return;
        }

        Log.Question(logger, q.Id, q.Channel, q.Text);
        Answer answer;
        using (var typing = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            // Typing shows only when the answer takes a while: a fast answer costs no extra REST call.
            var typingTask = TypingAsync(replyChannel, typing.Token);
            try
            {
                answer = await advisor.AskAsync(new AdvisorQuestion(q.Text, memory.History(key), "discord", key, q.UserId), ct);
            }
            catch (InvalidQuestionException ex)
            {
                await SendAsync(q, replyChannel, replyTo, DiscordFormatter.Text(ex.Message), ErrorKind, ct);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.AnswerFailed(logger, q.Id, ex);
                await SendAsync(q, replyChannel, replyTo, DiscordFormatter.Text(DiscordNotices.Failed), ErrorKind, ct);
                return;
            }
            finally
            {
                await typing.CancelAsync();
                await typingTask; // never throws: typing failures are logged inside
            }
        }

        if (await SendAsync(q, replyChannel, replyTo, DiscordFormatter.Answer(answer), AnswerKind, ct))
        {
            memory.Append(key, new ConversationTurn(q.Text, answer));
        }
    }

    /// <summary>
    /// Posts the parts of one reply in order, each with its own nonce (kind, question id, part), so a part whose
    /// sending must be repeated is still posted once. False when a part could not be delivered.
    /// </summary>
    private async Task<bool> SendAsync(Question q, string channel, string? replyTo, IReadOnlyList<DiscordMessagePayload> messages, char kind, CancellationToken ct)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var message = (i == 0 && replyTo is not null ? messages[i] with { MessageReference = new MessageReference(replyTo) } : messages[i])
                .WithNonce(Nonce(kind, q.Id, i));
            if (!await delivery.PostAsync(channel, message, $"reply {i + 1}/{messages.Count} to message {q.Id} in channel {channel}", ct))
            {
                Log.SendFailed(logger, channel, i + 1, messages.Count);
                return false;
            }
        }

        return true;
    }

    /// <summary>A reply's nonce: unique per question, kind and part, and stable across attempts (≤ 25 characters for a snowflake).</summary>
    internal static string Nonce(char kind, string messageId, int part) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}{messageId}.{part}");

    /// <summary>After <see cref="TypingDelay"/> without an answer, keeps the typing indicator on until cancelled.</summary>
    private async Task TypingAsync(string channel, CancellationToken ct)
    {
        try
        {
            await Task.Delay(TypingDelay, time, ct);
            while (!ct.IsCancellationRequested)
            {
                await rest.TriggerTypingAsync(channel, ct);
                await Task.Delay(TypingRefresh, time, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is DiscordApiException or HttpRequestException)
        {
            Log.TypingFailed(logger, channel, ex.Message);
        }
    }

    internal static string StripMention(string content, string? botId)
    {
        if (botId is not null)
        {
            content = content.Replace($"<@{botId}>", " ", StringComparison.Ordinal).Replace($"<@!{botId}>", " ", StringComparison.Ordinal);
        }

        return Spaces().Replace(content, " ").Trim();
    }

    private static string ThreadName(string question)
    {
        var name = question.ReplaceLineEndings(" ");
        return name.Length <= 90 ? name : name[..89].TrimEnd() + "…";
    }

    [GeneratedRegex(@"[ \t]{2,}")]
    private static partial Regex Spaces();

    private static partial class Log
    {
        [LoggerMessage(300, LogLevel.Debug, "Discord message {MessageId} already handled (replayed event); ignoring")]
        public static partial void Duplicate(ILogger logger, string messageId);

        [LoggerMessage(301, LogLevel.Warning, "Discord thread {ChannelId}: a follow-up arrived without content. Enable the Message Content intent (Developer Portal → Bot) and add 32768 to Advisor:Discord:Intents to answer follow-ups without a mention.")]
        public static partial void NoContent(ILogger logger, string channelId);

        [LoggerMessage(302, LogLevel.Warning, "Discord: could not open a thread in channel {ChannelId}; answering in the channel")]
        public static partial void ThreadFailed(ILogger logger, string channelId);

        [LoggerMessage(303, LogLevel.Debug, "Discord user {UserId} is over the per-user question limit (told: {Told})")]
        public static partial void UserLimited(ILogger logger, string userId, bool told);

        [LoggerMessage(304, LogLevel.Debug, "Discord question {MessageId} in {ChannelId}: {Text}")]
        public static partial void Question(ILogger logger, string messageId, string channelId, string text);

        [LoggerMessage(305, LogLevel.Error, "Discord: answering message {MessageId} failed")]
        public static partial void AnswerFailed(ILogger logger, string messageId, Exception exception);

        [LoggerMessage(306, LogLevel.Error, "Discord: message {Part}/{Parts} to channel {ChannelId} was not delivered; the rest of the reply is not sent")]
        public static partial void SendFailed(ILogger logger, string channelId, int part, int parts);

        [LoggerMessage(307, LogLevel.Debug, "Discord: typing indicator in {ChannelId} failed: {Error}")]
        public static partial void TypingFailed(ILogger logger, string channelId, string error);

        [LoggerMessage(308, LogLevel.Information, "Discord message {MessageId} arrived after shutdown began; replying with the restarting notice")]
        public static partial void Restarting(ILogger logger, string messageId);

        [LoggerMessage(309, LogLevel.Debug, "Discord message {MessageId} in {ChannelId} refused: the work queue is full (busy notice: {Noticed})")]
        public static partial void Busy(ILogger logger, string messageId, string channelId, bool noticed);
    }
}
