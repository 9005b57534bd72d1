using Advisor.Core.Coordination;
using Advisor.Core.Turns;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>
/// Rebuilds Slack's reply channels from the targets they wrote, so that a replica finishes an answer another one began
/// (<see cref="IReplyChannelFactory"/>):
/// <list type="bullet">
/// <item><c>thread</c>: a <see cref="SlackThreadReply"/> — channel, thread ts (none for a direct message outside
/// threads), the question's ts, team, asker, the message the thinking reaction goes on, the question, and whether the
/// thread is an agent session (then the answer runs in the session again, so the user's Stop cancels it). It is rebuilt
/// as a redelivery: before it replies it reads the thread for a reply marked with the question's ts (the replica that
/// died may have posted it), and posts nothing when one is there.</item>
/// <item><c>command</c>: a <see cref="SlackCommandReply"/> for <c>/ask</c> — its response URL (checked again against
/// Slack's hosts), name, and the asker when the answer is private with a Share button. A response URL cannot be read
/// back, so a command's answer is taken over only while its claim stands (until it was delivered), and only within the
/// URL's 30 minutes.</item>
/// </list>
/// </summary>
internal sealed partial class SlackReplyChannelFactory(
    SlackApiClient api,
    SlackBotIdentityProvider identity,
    SlackSharedAnswers shared,
    SlackAgentSessions sessions,
    SlackStatusSupport statusSupport,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackReplyChannelFactory> logger) : IReplyChannelFactory
{
    public const string ThreadKind = "thread";
    public const string CommandKind = "command";

    /// <summary>How long Slack accepts posts to a response URL.</summary>
    public static readonly TimeSpan ResponseUrlLifetime = TimeSpan.FromMinutes(30);

    private readonly string _reaction = options.Value.ThinkingReaction;
    private readonly Uri _apiBase = options.Value.ApiBase;
    private readonly SlackReplySettings _settings = SlackReplySettings.From(options, statusSupport, time) with { Sessions = sessions };

    public string Platform => SlackPlatform.PlatformName;

    public Task<bool> ResumeAsync(ReplyTarget target, Func<IReplyChannel, CancellationToken, Task> turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(turn);
        return target.Kind switch
        {
            ThreadKind => ThreadAsync(target, turn, cancellationToken),
            CommandKind => CommandAsync(target, turn, cancellationToken),
            _ => Unreadable(target.Kind, "an unknown kind"),
        };
    }

    /// <summary>A target of <paramref name="kind"/> with the values that are set.</summary>
    internal static ReplyTarget Target(string kind, DateTimeOffset? until, params (string Name, string? Value)[] values)
    {
        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (value is not null)
            {
                set[name] = value;
            }
        }

        return new ReplyTarget { Platform = SlackPlatform.PlatformName, Kind = kind, Values = set, Until = until };
    }

    private async Task<bool> ThreadAsync(ReplyTarget target, Func<IReplyChannel, CancellationToken, Task> turn, CancellationToken cancellationToken)
    {
        if (target.Value("channel") is not { Length: > 0 } channel || target.Value("question_ts") is not { Length: > 0 } questionTs)
        {
            return await Unreadable(target.Kind, "no channel or question ts").ConfigureAwait(false);
        }

        var threadTs = target.Value("thread");
        var me = await identity.GetAsync(cancellationToken).ConfigureAwait(false);
        using var session = target.Flag("session") && threadTs is not null ? sessions.Begin(channel, threadTs, cancellationToken) : null;

        // Retry attempt 1: the reply is looked for in the thread before anything is posted.
        var reply = new SlackThreadReply(api, channel, threadTs, questionTs, me.BotId, _reaction, retryAttempt: 1, logger, _settings, target.Value("user"),
            target.Value("team"), reactionTs: target.Value("reaction_ts"), question: target.Value("question"))
        {
            StoppedByUser = session is null ? null : () => session.Stopped,
            InSession = session is not null,
        };
        if (session is null)
        {
            await turn(reply, cancellationToken).ConfigureAwait(false);
            return true;
        }

        try
        {
            await turn(reply, session.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (session.Stopped && !cancellationToken.IsCancellationRequested)
        {
            if (!reply.StoppedInPlace && !reply.AnswerDelivered)
            {
                await sessions.SayStoppedAsync(channel, threadTs!, cancellationToken).ConfigureAwait(false);
            }
        }

        return true;
    }

    private async Task<bool> CommandAsync(ReplyTarget target, Func<IReplyChannel, CancellationToken, Task> turn, CancellationToken cancellationToken)
    {
        if (!SlackResponseUrl.IsAllowed(target.Value("response_url"), _apiBase, out _))
        {
            return await Unreadable(target.Kind, "no response URL of Slack's").ConfigureAwait(false);
        }

        var url = target.Value("response_url")!;
        var name = target.Value("name") ?? "ask";
        var reply = target.Value("asker") is { Length: > 0 } asker
            ? new SlackCommandReply(api, url, name, logger, shared, asker)
            : new SlackCommandReply(api, url, name, logger);
        await turn(reply, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private Task<bool> Unreadable(string kind, string reason)
    {
        Log.Unreadable(logger, kind, reason);
        return Task.FromResult(false);
    }

    private static partial class Log
    {
        [LoggerMessage(1901, LogLevel.Error, "A Slack reply target of kind {Kind} cannot be rebuilt ({Reason})")]
        public static partial void Unreadable(ILogger logger, string kind, string reason);
    }
}
