using Advisor.Core.Turns;
using Microsoft.Extensions.Logging;

namespace Advisor.Slack;

/// <summary>
/// The replies to one Slack message (a mention, a direct message, a follow-up in a thread), rendered as Block Kit and
/// posted in its thread — or in the channel, for a direct message outside a thread. Every part of a reply carries
/// metadata with its id (the question's ts and the part), so a post whose outcome is unknown is looked for before it is
/// sent again, and an event Slack delivers again after a restart is found answered. Progress is a reaction on the
/// question, added without waiting and removed once the reply is out.
/// </summary>
internal sealed partial class SlackThreadReply(
    SlackApiClient api,
    string channel,
    string? threadTs,
    string questionTs,
    string? botId,
    string reaction,
    int retryAttempt,
    ILogger logger) : IReplyChannel
{
    public ReplyCapabilities Capabilities => ReplyCapabilities.Update;

    public IAsyncDisposable ShowProgress(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reaction))
        {
            return ReplyProgress.None;
        }

        // Cosmetic, so not awaited: a slow or rate-limited reactions.add never delays the answer.
        return new Reaction(this, api.AddReactionAsync(channel, questionTs, reaction, cancellationToken));
    }

    /// <summary>
    /// Slack delivers an event again when an earlier delivery was not acknowledged in time, for instance to the process
    /// that took over after a restart: if the reply is in the conversation already, it is not sent twice.
    /// </summary>
    public async ValueTask<bool> AnsweredBeforeAsync(CancellationToken cancellationToken) =>
        retryAttempt > 0 && (await api.FindReplyAsync(channel, threadTs, Mark(1), cancellationToken).ConfigureAwait(false)).Found == true;

    public Task<DeliveryResult> SendAnswerAsync(TurnReply reply, CancellationToken cancellationToken) =>
        PostAsync(SlackRenderer.Answer(reply.Answer), cancellationToken);

    public Task<DeliveryResult> SendNoticeAsync(TurnNotice notice, CancellationToken cancellationToken) =>
        PostAsync(SlackRenderer.Notice(notice.Text), cancellationToken);

    /// <summary>chat.update of a message the bot posted, with the first message of the answer's rendering.</summary>
    public async Task<DeliveryResult> UpdateAsync(string messageId, TurnReply reply, CancellationToken cancellationToken)
    {
        try
        {
            await api.UpdateMessageAsync(SlackRenderer.Answer(reply.Answer)[0], channel, messageId, cancellationToken).ConfigureAwait(false);
            return DeliveryResult.Sent(messageId);
        }
        catch (SlackApiException ex)
        {
            Log.NotUpdated(logger, channel, messageId, ex.Error);
            return DeliveryResult.NotDelivered;
        }
    }

    /// <summary>Posts a reply's messages in order, each marked with its part; not delivered when one was not (logged already).</summary>
    private async Task<DeliveryResult> PostAsync(IReadOnlyList<SlackMessage> messages, CancellationToken cancellationToken)
    {
        string? first = null;
        for (var i = 0; i < messages.Count; i++)
        {
            try
            {
                var ts = await api.PostMessageAsync(messages[i], channel, threadTs, Mark(i + 1), cancellationToken).ConfigureAwait(false);
                first ??= ts;
            }
            catch (SlackApiException ex)
            {
                Log.NotDelivered(logger, channel, questionTs, i + 1, ex.Error);
                return DeliveryResult.NotDelivered;
            }
        }

        return DeliveryResult.Sent(string.IsNullOrEmpty(first) ? null : first);
    }

    private SlackReplyMark Mark(int part) => new(SlackKeys.Reply(questionTs, part), questionTs, botId);

    /// <summary>Removes the reaction once it was added (best effort, in the background).</summary>
    private async Task RemoveReactionAsync(Task<bool> added)
    {
        try
        {
            if (await added.ConfigureAwait(false))
            {
                await api.RemoveReactionAsync(channel, questionTs, reaction, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down: the reaction is only cosmetic
        }
    }

    private sealed class Reaction(SlackThreadReply owner, Task<bool> added) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            _ = owner.RemoveReactionAsync(added);
            return ValueTask.CompletedTask;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1308, LogLevel.Debug, "Reply to Slack message {Channel}/{Ts}, part {Part}, not delivered: {Error}")]
        public static partial void NotDelivered(ILogger logger, string channel, string ts, int part, string error);

        [LoggerMessage(1309, LogLevel.Debug, "Slack message {Channel}/{Ts} not updated: {Error}")]
        public static partial void NotUpdated(ILogger logger, string channel, string ts, string error);
    }
}
