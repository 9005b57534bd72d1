using System.Text.RegularExpressions;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>
/// Answers mentions, direct messages and follow-ups in threads the bot takes part in. One question gets one
/// answer: a message is claimed by (channel, ts), so the app_mention + message pair and retries answer once.
/// </summary>
public sealed partial class SlackConversationHandler(
    IAdvisor advisor,
    SlackApiClient api,
    SlackBotIdentityProvider identity,
    ConversationMemory memory,
    UserRateLimiter limiter,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackConversationHandler> logger)
    : ISlackEventHandler<AppMention>, ISlackEventHandler<MessageEvent>
{
    private readonly Deduplicator _messages = new(time, TimeSpan.FromHours(2));
    private readonly string _reaction = options.Value.ThinkingReaction;

    public async Task HandleAsync(AppMention slackEvent, SlackEventEnvelope envelope, CancellationToken cancellationToken)
    {
        var me = await identity.GetAsync(cancellationToken).ConfigureAwait(false);
        if (IsOwnOrBot(slackEvent, me))
        {
            return;
        }

        await AnswerAsync(slackEvent, envelope, me, cancellationToken).ConfigureAwait(false);
    }

    public async Task HandleAsync(MessageEvent slackEvent, SlackEventEnvelope envelope, CancellationToken cancellationToken)
    {
        var me = await identity.GetAsync(cancellationToken).ConfigureAwait(false);
        if (IsOwnOrBot(slackEvent, me))
        {
            return;
        }

        var direct = slackEvent.ChannelType == "im";
        var mentioned = slackEvent.Text.Contains($"<@{me.UserId}", StringComparison.Ordinal);
        var followUp = slackEvent.ThreadTs is not null && memory.Knows(Key(slackEvent, envelope));
        if (direct || mentioned || followUp)
        {
            await AnswerAsync(slackEvent, envelope, me, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The conversation key: the thread, or the whole direct-message channel outside threads.</summary>
    internal static string Key(SlackMessageEvent e, SlackEventEnvelope envelope)
    {
        var team = e.Team ?? envelope.TeamId ?? "-";
        return e.ThreadTs is null && e.ChannelType == "im"
            ? $"slack:{team}:{e.Channel}"
            : $"slack:{team}:{e.Channel}:{e.ThreadTs ?? e.Ts}";
    }

    private bool IsOwnOrBot(SlackMessageEvent e, SlackBotIdentity me)
    {
        if (e.IsFromBotOrNotAPlainMessage || e.User == me.UserId || (me.BotId is not null && e.BotId == me.BotId))
        {
            Log.Ignored(logger, e.Channel, e.Ts, e.Subtype ?? (e.BotId is not null ? "bot" : "own"));
            return true;
        }

        return false;
    }

    private async Task AnswerAsync(SlackMessageEvent e, SlackEventEnvelope envelope, SlackBotIdentity me, CancellationToken cancellationToken)
    {
        if (!_messages.TryClaim($"{e.Channel}:{e.Ts}"))
        {
            Log.AlreadyAnswered(logger, e.Channel, e.Ts);
            return;
        }

        // Direct messages outside a thread are answered in the channel; everything else in the thread.
        var threadTs = e.ThreadTs ?? (e.ChannelType == "im" ? null : e.Ts);
        var key = Key(e, envelope);
        var text = StripMention(e.Text, me.UserId);
        var userKey = $"slack:{e.Team ?? envelope.TeamId ?? "-"}:{e.User}";

        if (QuestionValidation.Problem(text) is { } problem)
        {
            await api.PostMessageAsync(SlackMessage.Plain(SlackRenderer.Escape(problem)), e.Channel, threadTs, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!limiter.TryAcquire(userKey, out var retryAfter))
        {
            await api.PostMessageAsync(SlackMessage.Plain(SlackRenderer.Escape(limiter.Refusal(retryAfter))), e.Channel, threadTs, cancellationToken).ConfigureAwait(false);
            return;
        }

        Log.Answering(logger, e.Channel, e.Ts, e.GetType().Name);
        Log.QuestionText(logger, text);
        var reacted = await api.AddReactionAsync(e.Channel, e.Ts, _reaction, cancellationToken).ConfigureAwait(false);
        try
        {
            Answer answer;
            try
            {
                answer = await advisor.AskAsync(new AdvisorQuestion(text, memory.History(key), "slack", key, e.User), cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidQuestionException ex)
            {
                await api.PostMessageAsync(SlackMessage.Plain(SlackRenderer.Escape(ex.Message)), e.Channel, threadTs, cancellationToken).ConfigureAwait(false);
                return;
            }

            memory.Append(key, new ConversationTurn(text, answer));
            foreach (var message in SlackRenderer.Answer(answer))
            {
                await api.PostMessageAsync(message, e.Channel, threadTs, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (reacted)
            {
                await api.RemoveReactionAsync(e.Channel, e.Ts, _reaction, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    internal static string StripMention(string text, string botUserId)
    {
        var stripped = Regex.Replace(text, "<@" + Regex.Escape(botUserId) + @"(\|[^>]*)?>", " ", RegexOptions.None, TimeSpan.FromSeconds(1));
        return Regex.Replace(stripped, @"\s+", " ", RegexOptions.None, TimeSpan.FromSeconds(1)).Trim()
            .Replace("&lt;", "<", StringComparison.Ordinal)
            .Replace("&gt;", ">", StringComparison.Ordinal)
            .Replace("&amp;", "&", StringComparison.Ordinal);
    }

    private static partial class Log
    {
        [LoggerMessage(1301, LogLevel.Debug, "Slack message {Channel}/{Ts} ignored ({Reason})")]
        public static partial void Ignored(ILogger logger, string channel, string ts, string reason);

        [LoggerMessage(1302, LogLevel.Debug, "Slack message {Channel}/{Ts} already answered; ignored")]
        public static partial void AlreadyAnswered(ILogger logger, string channel, string ts);

        [LoggerMessage(1303, LogLevel.Information, "Answering Slack {EventType} {Channel}/{Ts}")]
        public static partial void Answering(ILogger logger, string channel, string ts, string eventType);

        [LoggerMessage(1304, LogLevel.Debug, "Slack question: {Text}")]
        public static partial void QuestionText(ILogger logger, string text);
    }
}
