using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Advisor.Core;
using Advisor.Core.Conversations;
using Advisor.Core.Hosting;
using Advisor.Core.Turns;
using Advisor.Discord.Gateway;
using Advisor.Discord.Rest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Discord.Messages;

/// <summary>
/// MESSAGE_CREATE, read into <see cref="IncomingMessage"/>s for the <see cref="TurnPipeline"/> with a
/// <see cref="DiscordMessageReply"/> to answer through: mentions, direct messages, and messages in threads (follow-ups,
/// when the bot takes part in the thread). Ignores bots, itself and webhooks, and channel messages not addressed to it.
/// <para>
/// Intake (<see cref="Accept"/>, on the gateway's receive loop) decides at once for a message addressed to the bot:
/// the pipeline admits it (dedupe by message id, validation, the per-user limit) and it is held on the
/// <see cref="QuestionGate"/> and queued on its channel's lane of the work queue. One that cannot be taken gets a short
/// reply instead, beside the queue — "restarting" once shutdown began (held too, so it is posted before the
/// connection closes), the problem or "slow down" (once per window) when the pipeline refuses it, "busy" at most once
/// per channel per <see cref="GatewaySettings.BusyNoticeInterval"/> when the queue is full. A message in a thread
/// without a mention is queued for the pipeline to tell (from the store) whether it is a follow-up.
/// </para>
/// </summary>
internal sealed partial class MessageCreateHandler(
    TurnPipeline pipeline,
    DiscordRestClient rest,
    DiscordDelivery delivery,
    [FromKeyedServices(DiscordPlatform.PlatformName)] PlatformWorkQueue work,
    QuestionGate gate,
    AdvisorMetrics metrics,
    RejectionLog rejections,
    DiscordIdentity identity,
    IOptions<DiscordOptions> options,
    GatewaySettings settings,
    StreamingSettings streaming,
    TimeProvider time,
    ILogger<MessageCreateHandler> logger) : IGatewayDispatchHandler
{
    private readonly RecentKeys _busyNoticed = new(time, settings.BusyNoticeInterval, 10_000);
    private readonly bool _createThreads = options.Value.CreateThreads;

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
        if (!isDm && !mentioned && !isThread)
        {
            return;
        }

        var text = StripMention(d.Str("content") ?? "", botId);
        var message = new IncomingMessage
        {
            Platform = DiscordPlatform.PlatformName,
            DedupeKey = id,
            ConversationKey = DiscordConversation.ChannelKey(channel),
            PerUser = !isDm && !isThread,
            UserKey = userId,
            Text = text,
            Addressed = isDm || mentioned,
            ReceivedAt = time.GetUtcNow(),
        };
        var reply = new DiscordMessageReply(delivery, rest, time, logger,
            new DiscordMessageReply.Question(id, channel, text, OpenThread: _createThreads && !isDm && !isThread), streaming);
        if (message.Addressed)
        {
            Addressed(message, reply, channel);
        }
        else
        {
            InThread(message, reply, channel);
        }
    }

    /// <summary>A mention or a DM: admitted now, answered from the queue.</summary>
    private void Addressed(IncomingMessage message, DiscordMessageReply reply, string channel)
    {
        var admission = pipeline.Admit(message);
        if (admission.Status == AdmissionStatus.Repeat)
        {
            return; // a resume replayed it
        }

        var hold = gate.TryAccept();
        if (hold is null && admission.Accepted && pipeline.CanHandOff && pipeline.BeginClaim(message, reply) is { } handed)
        {
            pipeline.HandOff(handed); // stopping: another replica answers it
            return;
        }

        if (hold is null)
        {
            metrics.Refused(DiscordPlatform.PlatformName, "shutting_down");
            Log.Restarting(logger, message.DedupeKey);
            Notice(reply, TurnNotice.Restarting, gate.Hold());
            return;
        }

        if (!admission.Accepted)
        {
            if (admission.Notice is { } notice)
            {
                Notice(reply, notice, hold);
            }
            else
            {
                hold.Dispose();
            }

            return;
        }

        // Held from here (recorded in the background), so that another replica answers it should this one die first.
        var claim = pipeline.BeginClaim(message, reply);
        if (!work.TryEnqueue(channel, hold, ct => pipeline.AnswerAsync(message, reply, claim, ct)))
        {
            _ = claim?.CompleteAsync(); // not taken on: the channel hears the bot is busy
            Busy(message, reply, channel, hold);
        }
    }

    /// <summary>A message in a thread without a mention: queued for the pipeline, which answers it if the bot takes part in the thread.</summary>
    private void InThread(IncomingMessage message, DiscordMessageReply reply, string channel)
    {
        var hold = gate.TryAccept();
        if (hold is null)
        {
            // Only where the bot is known to take part: everyone else's thread chatter is none of its business.
            if (pipeline.Follows(message.ConversationKey))
            {
                metrics.Refused(DiscordPlatform.PlatformName, "shutting_down");
                Notice(reply, TurnNotice.Restarting, gate.Hold());
            }

            return;
        }

        if (!work.TryEnqueue(channel, hold, ct => FollowUpAsync(message, reply, channel, ct)))
        {
            if (pipeline.Follows(message.ConversationKey))
            {
                Busy(message, reply, channel, hold);
            }
            else
            {
                hold.Dispose();
                rejections.Rejected(DiscordPlatform.QueueName, "full (a thread message, dropped)");
            }
        }
    }

    private async Task FollowUpAsync(IncomingMessage message, DiscordMessageReply reply, string channel, CancellationToken ct)
    {
        var outcome = await pipeline.HandleAsync(message, reply, ct).ConfigureAwait(false);
        if (outcome.Status == TurnStatus.NoQuestion && message.Text.Length == 0)
        {
            Log.NoContent(logger, channel);
        }
    }

    private void Busy(IncomingMessage message, DiscordMessageReply reply, string channel, IDisposable hold)
    {
        metrics.Refused(DiscordPlatform.PlatformName, "busy");
        var noticed = _busyNoticed.TryClaim(channel);
        rejections.Rejected(DiscordPlatform.QueueName, "full (busy notice at most once per channel)");
        Log.Busy(logger, message.DedupeKey, channel, noticed);
        if (noticed)
        {
            Notice(reply, TurnNotice.Busy, hold);
        }
        else
        {
            hold.Dispose();
        }
    }

    private void Notice(DiscordMessageReply reply, TurnNotice notice, IDisposable hold) =>
        work.TryNotice(hold, ct => reply.SendNoticeAsync(notice, ct));

    /// <summary>A reply's nonce: unique per question, kind and part, and stable across attempts (≤ 25 characters for a snowflake).</summary>
    internal static string Nonce(char kind, string messageId, int part) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}{messageId}.{part}");

    internal static string StripMention(string content, string? botId)
    {
        if (botId is not null)
        {
            content = content.Replace($"<@{botId}>", " ", StringComparison.Ordinal).Replace($"<@!{botId}>", " ", StringComparison.Ordinal);
        }

        return Spaces().Replace(content, " ").Trim();
    }

    [GeneratedRegex(@"[ \t]{2,}")]
    private static partial Regex Spaces();

    private static partial class Log
    {
        [LoggerMessage(301, LogLevel.Warning, "Discord thread {ChannelId}: a follow-up arrived without content. Enable the Message Content intent (Developer Portal → Bot) and add 32768 to Advisor:Discord:Intents to answer follow-ups without a mention.")]
        public static partial void NoContent(ILogger logger, string channelId);

        [LoggerMessage(308, LogLevel.Information, "Discord message {MessageId} arrived after shutdown began; replying with the restarting notice")]
        public static partial void Restarting(ILogger logger, string messageId);

        [LoggerMessage(309, LogLevel.Debug, "Discord message {MessageId} in {ChannelId} refused: the work queue is full (busy notice: {Noticed})")]
        public static partial void Busy(ILogger logger, string messageId, string channelId, bool noticed);
    }
}
