using System.Text.RegularExpressions;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>
/// Answers mentions, direct messages and follow-ups in threads the bot takes part in. One question gets one
/// answer: a message is claimed by (channel, ts), so the app_mention + message pair and retries answer once; a retry
/// of an event this process has not seen (Slack delivering it again after a restart) is first looked for in the
/// conversation, by the reply's metadata. Every reply carries metadata with its id, so a post whose outcome is
/// unknown is checked before it is sent again.
/// </summary>
public sealed partial class SlackConversationHandler(
    IAdvisor advisor,
    SlackApiClient api,
    SlackBotIdentityProvider identity,
    ConversationMemory memory,
    UserRateLimiter limiter,
    AdvisorMetrics metrics,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackConversationHandler> logger)
    : ISlackEventHandler<AppMention>, ISlackEventHandler<MessageEvent>
{
    /// <summary>Said when composing an answer failed unexpectedly.</summary>
    public const string Apology = "Sorry, something went wrong while answering. Please try again in a moment.";

    private readonly RecentKeys _messages = new(time, TimeSpan.FromHours(2));
    private readonly string _reaction = options.Value.ThinkingReaction;

    public async Task HandleAsync(AppMention slackEvent, SlackEventEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slackEvent);
        var me = await identity.GetAsync(cancellationToken).ConfigureAwait(false);
        if (IsOwnOrBot(slackEvent, me))
        {
            return;
        }

        await AnswerAsync(slackEvent, envelope, me, cancellationToken).ConfigureAwait(false);
    }

    public async Task HandleAsync(MessageEvent slackEvent, SlackEventEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slackEvent);
        var me = await identity.GetAsync(cancellationToken).ConfigureAwait(false);
        if (IsOwnOrBot(slackEvent, me))
        {
            return;
        }

        var direct = slackEvent.ChannelType == "im";
        var mentioned = slackEvent.Text.Contains($"<@{me.UserId}", StringComparison.Ordinal);
        var followUp = slackEvent.ThreadTs is not null && memory.Knows(SlackKeys.Conversation(slackEvent, envelope));
        if (direct || mentioned || followUp)
        {
            await AnswerAsync(slackEvent, envelope, me, cancellationToken).ConfigureAwait(false);
        }
    }

    private bool IsOwnOrBot(SlackMessageEvent e, SlackBotIdentity me)
    {
        if (!e.IsFromAPerson || e.User == me.UserId || (me.BotId is not null && e.BotId == me.BotId))
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
        var reply = new Reply(e.Channel, threadTs, e.Ts, me.BotId);
        var key = SlackKeys.Conversation(e, envelope);
        var text = StripMention(e.Text, me.UserId);

        // Slack delivers an event again when an earlier delivery was not acknowledged in time, for instance to the
        // process that took over after a restart: if the reply is already in the conversation, it is not sent twice.
        if (envelope.RetryAttempt > 0
            && (await api.FindReplyAsync(e.Channel, threadTs, reply.Mark(1), cancellationToken).ConfigureAwait(false)).Found == true)
        {
            Log.AnsweredBefore(logger, e.Channel, e.Ts, envelope.RetryAttempt);
            return;
        }

        if (QuestionValidation.Problem(text) is { } problem)
        {
            await PostAsync(SlackRenderer.Notice(problem), reply, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!limiter.TryAcquire(SlackKeys.User(e.Team ?? envelope.TeamId, e.User), out var retryAfter, out var notify))
        {
            // One "slow down" per window: the user's further messages in it are dropped without a word.
            metrics.Refused("slack", "rate_limited");
            Log.RateLimited(logger, e.Channel, e.Ts, notify);
            if (notify)
            {
                await PostAsync(SlackRenderer.Notice(limiter.Refusal(retryAfter)), reply, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        Log.Answering(logger, e.Channel, e.Ts, e.GetType().Name);
        Log.QuestionText(logger, text);

        // The reaction is cosmetic: it is not awaited, so a slow or rate-limited reactions.add never delays the answer.
        var reacted = api.AddReactionAsync(e.Channel, e.Ts, _reaction, cancellationToken);
        try
        {
            Answer answer;
            try
            {
                answer = await advisor.AskAsync(new AdvisorQuestion(text, memory.History(key), "slack", key, e.User), cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidQuestionException ex)
            {
                await PostAsync(SlackRenderer.Notice(ex.Message), reply, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Log.AskFailed(logger, ex, e.Channel, e.Ts);
                await PostAsync(SlackRenderer.Notice(Apology), reply, cancellationToken).ConfigureAwait(false);
                return;
            }

            // Only an answer that was posted becomes part of the conversation (and makes the thread one the bot follows).
            if (await PostAsync(SlackRenderer.Answer(answer), reply, cancellationToken).ConfigureAwait(false))
            {
                memory.Append(key, new ConversationTurn(text, answer));
            }
        }
        finally
        {
            _ = RemoveReactionAsync(reacted, e.Channel, e.Ts);
        }
    }

    /// <summary>Posts a reply's messages in order, each marked with its part; false when one was not delivered (logged already).</summary>
    private async Task<bool> PostAsync(IReadOnlyList<SlackMessage> messages, Reply reply, CancellationToken cancellationToken)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            try
            {
                await api.PostMessageAsync(messages[i], reply.Channel, reply.ThreadTs, reply.Mark(i + 1), cancellationToken).ConfigureAwait(false);
            }
            catch (SlackApiException ex)
            {
                Log.NotDelivered(logger, reply.Channel, reply.QuestionTs, i + 1, ex.Error);
                return false;
            }
        }

        return true;
    }

    /// <summary>Where the reply to one question goes, and how its parts are marked.</summary>
    private sealed record Reply(string Channel, string? ThreadTs, string QuestionTs, string? BotId)
    {
        public SlackReplyMark Mark(int part) => new(SlackKeys.Reply(QuestionTs, part), QuestionTs, BotId);
    }

    /// <summary>Removes the reaction once it was added (best effort, in the background).</summary>
    private async Task RemoveReactionAsync(Task<bool> added, string channel, string ts)
    {
        try
        {
            if (await added.ConfigureAwait(false))
            {
                await api.RemoveReactionAsync(channel, ts, _reaction, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down: the reaction is only cosmetic
        }
    }

    internal static string StripMention(string text, string botUserId)
    {
        var stripped = Mention().Replace(text, m => m.Groups["id"].ValueSpan.SequenceEqual(botUserId) ? " " : m.Value);
        return Whitespace().Replace(stripped, " ").Trim()
            .Replace("&lt;", "<", StringComparison.Ordinal)
            .Replace("&gt;", ">", StringComparison.Ordinal)
            .Replace("&amp;", "&", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"<@(?<id>[^|>]+)(\|[^>]*)?>", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Mention();

    [GeneratedRegex(@"\s+", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Whitespace();

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

        [LoggerMessage(1305, LogLevel.Error, "Answering Slack message {Channel}/{Ts} failed; the user gets an apology")]
        public static partial void AskFailed(ILogger logger, Exception exception, string channel, string ts);

        [LoggerMessage(1306, LogLevel.Information, "Slack message {Channel}/{Ts} delivered again (retry {RetryAttempt}) was answered before; not answered twice")]
        public static partial void AnsweredBefore(ILogger logger, string channel, string ts, int retryAttempt);

        [LoggerMessage(1307, LogLevel.Debug, "Slack message {Channel}/{Ts}: the user is over the rate limit (told: {Told})")]
        public static partial void RateLimited(ILogger logger, string channel, string ts, bool told);

        [LoggerMessage(1308, LogLevel.Debug, "Reply to Slack message {Channel}/{Ts}, part {Part}, not delivered: {Error}")]
        public static partial void NotDelivered(ILogger logger, string channel, string ts, int part, string error);
    }
}
