using System.Text.RegularExpressions;
using Advisor.Core.Coordination;
using Advisor.Core.Turns;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>
/// Mentions, direct messages and messages in threads, read into <see cref="IncomingMessage"/>s for the
/// <see cref="TurnPipeline"/> with a <see cref="SlackThreadReply"/> to answer through. Only people's messages are
/// taken (never the bot's own, other bots', edits, deletions or joins). A mention or a direct message is addressed to
/// the bot; any other message in a thread is a follow-up candidate, answered when the bot takes part in that thread.
/// The app_mention + message pair of one message and Slack's retries share a dedupe key (channel and ts), so they are
/// answered once.
/// </summary>
public sealed partial class SlackConversationHandler(
    TurnPipeline pipeline,
    SlackApiClient api,
    SlackBotIdentityProvider identity,
    IOptions<SlackOptions> options,
    SlackStatusSupport statusSupport,
    SlackAgentSessions sessions,
    TimeProvider time,
    ILogger<SlackConversationHandler> logger)
    : ISlackEventHandler<AppMention>, ISlackEventHandler<MessageEvent>
{
    private readonly string _reaction = options.Value.ThinkingReaction;
    private readonly SlackReplySettings _settings = SlackReplySettings.From(options, statusSupport, time) with { Sessions = sessions };

    public async Task HandleAsync(AppMention slackEvent, SlackEventEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slackEvent);
        var me = await identity.GetAsync(cancellationToken).ConfigureAwait(false);
        if (IsOwnOrBot(slackEvent, me))
        {
            return;
        }

        await AnswerAsync(slackEvent, envelope, me, addressed: true, cancellationToken).ConfigureAwait(false);
    }

    public async Task HandleAsync(MessageEvent slackEvent, SlackEventEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slackEvent);
        var me = await identity.GetAsync(cancellationToken).ConfigureAwait(false);
        if (IsOwnOrBot(slackEvent, me))
        {
            return;
        }

        var addressed = IsAddressed(slackEvent, me);
        if (addressed || slackEvent.ThreadTs is not null)
        {
            await AnswerAsync(slackEvent, envelope, me, addressed, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// At intake (before the event is queued): begins holding a message to the bot — a mention, a direct message, a
    /// reply in a thread the bot follows here — so that another replica answers it should this one die while it waits
    /// in the queue or is answered. Never waits (the claim is recorded in the background); null for anything else, and
    /// before the bot's identity is known (the claim is then begun when the answer starts).
    /// </summary>
    public InFlightClaim? TakeIn(SlackMessageEvent slackEvent, SlackEventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(slackEvent);
        ArgumentNullException.ThrowIfNull(envelope);
        if (identity.Known is not { } me || IsOwnOrBotQuietly(slackEvent, me))
        {
            return null;
        }

        var addressed = slackEvent is AppMention || IsAddressed(slackEvent, me);
        if (!addressed && (slackEvent.ThreadTs is null || !pipeline.Follows(SlackKeys.Conversation(slackEvent, envelope))))
        {
            return null;
        }

        var (message, threadTs) = Read(slackEvent, envelope, me, addressed);
        return pipeline.BeginClaim(message, Reply(slackEvent, envelope, me, threadTs, session: null));
    }

    private static bool IsAddressed(SlackMessageEvent e, SlackBotIdentity me) =>
        e.ChannelType == "im" || e.Text.Contains($"<@{me.UserId}", StringComparison.Ordinal);

    private static bool IsOwnOrBotQuietly(SlackMessageEvent e, SlackBotIdentity me) =>
        !e.IsFromAPerson || e.User == me.UserId || (me.BotId is not null && e.BotId == me.BotId);

    private bool IsOwnOrBot(SlackMessageEvent e, SlackBotIdentity me)
    {
        if (IsOwnOrBotQuietly(e, me))
        {
            Log.Ignored(logger, e.Channel, e.Ts, e.Subtype ?? (e.BotId is not null ? "bot" : "own"));
            return true;
        }

        return false;
    }

    /// <summary>The message as the pipeline takes it, and the thread its answer goes in (none: a direct message outside threads).</summary>
    private (IncomingMessage Message, string? ThreadTs) Read(SlackMessageEvent e, SlackEventEnvelope envelope, SlackBotIdentity me, bool addressed) =>
        (new IncomingMessage
        {
            Platform = SlackPlatform.PlatformName,
            DedupeKey = SlackKeys.Message(e),
            ConversationKey = SlackKeys.Conversation(e, envelope),
            UserKey = e.User ?? "",
            Text = StripMention(e.Text, me.UserId),
            Addressed = addressed,
            ReceivedAt = envelope.ReceivedAt == default ? time.GetUtcNow() : envelope.ReceivedAt,
        }, e.ThreadTs ?? (e.ChannelType == "im" ? null : e.Ts)); // direct messages outside a thread are answered in the channel

    private SlackThreadReply Reply(SlackMessageEvent e, SlackEventEnvelope envelope, SlackBotIdentity me, string? threadTs, SlackAgentSessions.Lease? session) =>
        new(api, e.Channel, threadTs, e.Ts, me.BotId, _reaction, envelope.RetryAttempt, logger, _settings, e.User,
            e.Team ?? envelope.TeamId ?? me.TeamId, question: StripMention(e.Text, me.UserId))
        {
            StoppedByUser = session is null ? null : () => session.Stopped,
            InSession = threadTs is not null, // a thread is an agent session
        };

    private async Task AnswerAsync(SlackMessageEvent e, SlackEventEnvelope envelope, SlackBotIdentity me, bool addressed, CancellationToken cancellationToken)
    {
        var (message, threadTs) = Read(e, envelope, me, addressed);
        // A thread is an agent session: the user's Stop (agent_session_stopped) cancels this answer.
        using var session = threadTs is null ? null : sessions.Begin(e.Channel, threadTs, cancellationToken);
        var reply = Reply(e, envelope, me, threadTs, session);
        if (session is null)
        {
            await pipeline.HandleAsync(message, reply, envelope.InFlight, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await pipeline.HandleAsync(message, reply, envelope.InFlight, session.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (session.Stopped && !cancellationToken.IsCancellationRequested)
        {
            // Stopped by the user. A streamed answer already ends with the stop mark; otherwise say so in the thread.
            if (!reply.StoppedInPlace && !reply.AnswerDelivered)
            {
                await sessions.SayStoppedAsync(e.Channel, threadTs!, cancellationToken).ConfigureAwait(false);
            }
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
    }
}
