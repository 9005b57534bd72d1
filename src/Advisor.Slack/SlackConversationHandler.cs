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
        var key = SlackKeys.Conversation(e, envelope);
        var text = StripMention(e.Text, me.UserId);

        if (QuestionValidation.Problem(text) is { } problem)
        {
            await PostAsync(SlackRenderer.Notice(problem), e.Channel, threadTs, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!limiter.TryAcquire(SlackKeys.User(e.Team ?? envelope.TeamId, e.User), out var retryAfter))
        {
            await PostAsync(SlackRenderer.Notice(limiter.Refusal(retryAfter)), e.Channel, threadTs, cancellationToken).ConfigureAwait(false);
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
                await PostAsync(SlackRenderer.Notice(ex.Message), e.Channel, threadTs, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Log.AskFailed(logger, ex, e.Channel, e.Ts);
                await PostAsync(SlackRenderer.Notice(Apology), e.Channel, threadTs, cancellationToken).ConfigureAwait(false);
                return;
            }

            await PostAsync(SlackRenderer.Answer(answer), e.Channel, threadTs, cancellationToken).ConfigureAwait(false);

            // Only an answer that was posted becomes part of the conversation (and makes the thread one the bot follows).
            memory.Append(key, new ConversationTurn(text, answer));
        }
        finally
        {
            _ = RemoveReactionAsync(reacted, e.Channel, e.Ts);
        }
    }

    private async Task PostAsync(IReadOnlyList<SlackMessage> messages, string channel, string? threadTs, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            await api.PostMessageAsync(message, channel, threadTs, cancellationToken).ConfigureAwait(false);
        }
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
    }
}
