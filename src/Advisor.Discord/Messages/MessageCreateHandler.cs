using System.Text.Json;
using System.Text.RegularExpressions;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Discord.Gateway;
using Advisor.Discord.Rest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Discord.Messages;

/// <summary>
/// Answers MESSAGE_CREATE events: mentions, direct messages, and follow-ups in a thread the bot answered in.
/// Ignores bots, itself and webhooks; dedupes by message id.
/// </summary>
internal sealed partial class MessageCreateHandler(
    IAdvisor advisor,
    ConversationMemory memory,
    UserRateLimiter limiter,
    DiscordRestClient rest,
    DiscordIdentity identity,
    IOptions<DiscordOptions> options,
    TimeProvider time,
    ILogger<MessageCreateHandler> logger) : IGatewayDispatchHandler
{
    /// <summary>How long an answer may take before the typing indicator is shown.</summary>
    internal static readonly TimeSpan TypingDelay = TimeSpan.FromSeconds(1);

    /// <summary>The indicator lasts 10 s; it is renewed before it runs out.</summary>
    private static readonly TimeSpan TypingRefresh = TimeSpan.FromSeconds(8);
    private readonly RecentKeys _seen = new(time, TimeSpan.FromHours(1), 20_000);

    public bool Handles(string eventName) => eventName == "MESSAGE_CREATE";

    public async Task HandleAsync(string eventName, JsonElement d, CancellationToken ct)
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

        var problem = QuestionValidation.Problem(text);
        var replyChannel = channel;
        string? replyTo = id;
        if (options.Value.CreateThreads && !isDm && !isThread && problem is null)
        {
            try
            {
                replyChannel = await rest.StartThreadAsync(channel, id, ThreadName(text), ct) ?? channel;
                replyTo = replyChannel == channel ? id : null;
            }
            catch (DiscordApiException ex) when (ex is not DiscordUnauthorizedException)
            {
                Log.ThreadFailed(logger, channel, ex.Message);
            }
        }

        var key = DiscordConversation.Key(replyChannel, userId, shared: isDm || isThread || replyChannel != channel);
        if (problem is not null)
        {
            await SendAsync(replyChannel, replyTo, DiscordFormatter.Text(problem), ct);
            return;
        }

        if (!limiter.TryAcquire("discord:" + userId, out var retryAfter))
        {
            Log.UserLimited(logger, userId);
            await SendAsync(replyChannel, replyTo, DiscordFormatter.Text(limiter.Refusal(retryAfter)), ct);
            return;
        }

        Log.Question(logger, id, channel, text);
        Answer answer;
        using (var typing = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            // Typing shows only when the answer takes a while: a fast answer costs no extra REST call.
            var typingTask = TypingAsync(replyChannel, typing.Token);
            try
            {
                answer = await advisor.AskAsync(new AdvisorQuestion(text, memory.History(key), "discord", key, userId), ct);
            }
            catch (InvalidQuestionException ex)
            {
                await SendAsync(replyChannel, replyTo, DiscordFormatter.Text(ex.Message), ct);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.AnswerFailed(logger, id, ex);
                await SendAsync(replyChannel, replyTo, DiscordFormatter.Text("Sorry, I could not answer that just now. Please try again in a moment."), ct);
                return;
            }
            finally
            {
                await typing.CancelAsync();
                await typingTask; // never throws: typing failures are logged inside
            }
        }

        if (await SendAsync(replyChannel, replyTo, DiscordFormatter.Answer(answer), ct))
        {
            memory.Append(key, new ConversationTurn(text, answer));
        }
    }

    private async Task<bool> SendAsync(string channel, string? replyTo, IReadOnlyList<DiscordMessagePayload> messages, CancellationToken ct)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var message = i == 0 && replyTo is not null ? messages[i] with { MessageReference = new MessageReference(replyTo) } : messages[i];
            try
            {
                await rest.CreateMessageAsync(channel, message, ct);
            }
            catch (Exception ex) when (ex is DiscordApiException or HttpRequestException)
            {
                Log.SendFailed(logger, channel, i + 1, messages.Count, ex.Message);
                return false;
            }
        }

        return true;
    }

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

        [LoggerMessage(302, LogLevel.Warning, "Discord: could not open a thread in channel {ChannelId} ({Error}); answering in the channel")]
        public static partial void ThreadFailed(ILogger logger, string channelId, string error);

        [LoggerMessage(303, LogLevel.Information, "Discord user {UserId} is over the per-user question limit")]
        public static partial void UserLimited(ILogger logger, string userId);

        [LoggerMessage(304, LogLevel.Debug, "Discord question {MessageId} in {ChannelId}: {Text}")]
        public static partial void Question(ILogger logger, string messageId, string channelId, string text);

        [LoggerMessage(305, LogLevel.Error, "Discord: answering message {MessageId} failed")]
        public static partial void AnswerFailed(ILogger logger, string messageId, Exception exception);

        [LoggerMessage(306, LogLevel.Error, "Discord: sending message {Part}/{Parts} to channel {ChannelId} failed: {Error}")]
        public static partial void SendFailed(ILogger logger, string channelId, int part, int parts, string error);

        [LoggerMessage(307, LogLevel.Debug, "Discord: typing indicator in {ChannelId} failed: {Error}")]
        public static partial void TypingFailed(ILogger logger, string channelId, string error);
    }
}
