using Advisor.Core.Coordination;
using Advisor.Core.Turns;
using Advisor.Discord.Interactions;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Discord;

/// <summary>
/// Rebuilds Discord's reply channels from the targets they wrote, so that a replica finishes an answer another one
/// began (<see cref="IReplyChannelFactory"/>):
/// <list type="bullet">
/// <item><c>message</c>: a <see cref="DiscordMessageReply"/> to a mention, DM or thread message — the message id, its
/// channel, the question (a thread opened for the answer is named after it) and whether a thread is opened. Its parts
/// carry the same nonces as the first replica's (made from the message id), with <c>enforce_nonce</c>, so a part that
/// replica posted before it died is returned by Discord rather than posted again; a thread already opened from the
/// message is reused.</item>
/// <item><c>interaction</c>: an <see cref="InteractionReply"/> to a deferred <c>/ask</c> or follow-up click — the
/// interaction id and token, the application, whether it is private and shareable. Before it replies it reads
/// <c>@original</c>: a response no longer "thinking…" (edited, or deleted for a notice) was given already. Interaction
/// tokens live 15 minutes, so the target says until when it may be used (a minute to spare).</item>
/// </list>
/// </summary>
internal sealed partial class DiscordReplyChannelFactory(
    DiscordDelivery delivery,
    DiscordRestClient rest,
    StreamingSettings streaming,
    IOptions<DiscordOptions> options,
    TimeProvider time,
    ILogger<DiscordReplyChannelFactory> logger) : IReplyChannelFactory
{
    public const string MessageKind = "message";
    public const string InteractionKind = "interaction";

    /// <summary>How long after an interaction arrived another replica may still answer it (its token lives 15 minutes).</summary>
    public static readonly TimeSpan InteractionTakeOver = TimeSpan.FromMinutes(14);

    public string Platform => DiscordPlatform.PlatformName;

    public async Task<bool> ResumeAsync(ReplyTarget target, Func<IReplyChannel, CancellationToken, Task> turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(turn);
        if (Rebuild(target) is not { } channel)
        {
            return false;
        }

        await turn(channel, cancellationToken).ConfigureAwait(false);
        return true;
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

        return new ReplyTarget { Platform = DiscordPlatform.PlatformName, Kind = kind, Values = set, Until = until };
    }

    private IReplyChannel? Rebuild(ReplyTarget target)
    {
        switch (target.Kind)
        {
            case MessageKind:
                if (target.Value("id") is not { Length: > 0 } id || target.Value("channel") is not { Length: > 0 } channel)
                {
                    return Unreadable(target.Kind, "no message id or channel");
                }

                return new DiscordMessageReply(delivery, rest, time, logger,
                    new DiscordMessageReply.Question(id, channel, target.Value("text") ?? "", target.Flag("open_thread")), streaming);

            case InteractionKind:
                if (target.Value("id") is not { Length: > 0 } interaction || !DiscordRestClient.IsValidToken(target.Value("token")))
                {
                    return Unreadable(target.Kind, "no interaction id or token");
                }

                if (target.Value("application") is { } application && application != options.Value.ApplicationId)
                {
                    return Unreadable(target.Kind, "another application's interaction");
                }

                var context = new InteractionContext { Id = interaction, Token = target.Value("token")!, Type = 2, UserId = target.Value("user") ?? "" };
                return new InteractionReply(delivery, context, target.Flag("ephemeral"), streaming, rest, time, logger)
                {
                    Share = target.Flag("share"),
                    Resumed = true,
                };

            default:
                return Unreadable(target.Kind, "an unknown kind");
        }
    }

    private IReplyChannel? Unreadable(string kind, string reason)
    {
        Log.Unreadable(logger, kind, reason);
        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(350, LogLevel.Error, "A Discord reply target of kind {Kind} cannot be rebuilt ({Reason})")]
        public static partial void Unreadable(ILogger logger, string kind, string reason);
    }
}
