using System.Text.Json.Nodes;
using Advisor.Core.Turns;
using Microsoft.Extensions.Logging;

namespace Advisor.Slack;

/// <summary>
/// The replies to a slash command, through its response_url (at most five messages): an answer in the channel, quoting
/// the question (Slack does not show a slash command's invocation); a notice only to the asker. A response_url
/// cannot be read back, so a post whose outcome is unknown is not repeated, and no message can be updated later.
/// </summary>
/// <remarks>
/// With <paramref name="share"/> (Advisor:Slack:AskEphemeral), an answer goes only to <paramref name="asker"/> with a
/// "Share in channel" button; the answer is kept in <see cref="SlackSharedAnswers"/> until the click posts it.
/// </remarks>
internal sealed partial class SlackCommandReply(SlackApiClient api, string responseUrl, string name, ILogger logger,
    SlackSharedAnswers? share = null, string? asker = null) : IReplyChannel
{
    /// <summary>Messages a response_url takes, at most.</summary>
    public const int MaxResponses = 5;

    /// <summary>When the command arrived (its response URL lives 30 minutes from then); set for a command another replica may finish.</summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>
    /// Where this channel replies, for another replica to rebuild it (<see cref="SlackReplyChannelFactory"/>): the
    /// response URL and the command's name, the asker when the answer is private with a Share button. Null when the
    /// command's arrival is not known (its URL's life could not be told).
    /// </summary>
    public ReplyTarget? Target => ReceivedAt is { } received
        ? SlackReplyChannelFactory.Target(SlackReplyChannelFactory.CommandKind, received + SlackReplyChannelFactory.ResponseUrlLifetime,
            ("response_url", responseUrl), ("name", name), ("asker", share is null ? null : asker))
        : null;

    public ReplyCapabilities Capabilities => ReplyCapabilities.None;

    /// <summary>Nothing: the acknowledgement already told Slack the command was taken.</summary>
    public IAsyncDisposable ShowProgress(CancellationToken cancellationToken) => ReplyProgress.None;

    /// <summary>False: Slack does not send a slash command again.</summary>
    public ValueTask<bool> AnsweredBeforeAsync(CancellationToken cancellationToken) => ValueTask.FromResult(false);

    public Task<DeliveryResult> SendAnswerAsync(TurnReply reply, CancellationToken cancellationToken)
    {
        var inChannel = InChannel(SlackRenderer.Answer(reply, question: reply.Question));
        if (share is null || asker is null)
        {
            return SendAsync(inChannel, cancellationToken);
        }

        var id = share.Keep(inChannel, asker);
        var ephemeral = SlackRenderer.WithShareButton(inChannel, id);
        foreach (var message in ephemeral)
        {
            message["response_type"] = "ephemeral";
            message.Remove("replace_original");
        }

        return SendAsync(ephemeral, cancellationToken);
    }

    public Task<DeliveryResult> SendNoticeAsync(TurnNotice notice, CancellationToken cancellationToken) =>
        SendAsync(Ephemeral(SlackRenderer.Notice(notice.Text)), cancellationToken);

    public Task<DeliveryResult> UpdateAsync(string messageId, TurnReply reply, CancellationToken cancellationToken) =>
        Task.FromResult(DeliveryResult.NotDelivered);

    /// <summary>Posts the messages in order (at most <see cref="MaxResponses"/>); not delivered when one was not.</summary>
    public async Task<DeliveryResult> SendAsync(IReadOnlyList<JsonObject> results, CancellationToken cancellationToken)
    {
        if (results.Count > MaxResponses)
        {
            Log.TooManyResponses(logger, name, results.Count, MaxResponses);
        }

        foreach (var result in results.Take(MaxResponses))
        {
            try
            {
                await api.RespondAsync(responseUrl, result, cancellationToken).ConfigureAwait(false);
            }
            catch (SlackApiException ex)
            {
                Log.NotDelivered(logger, name, ex.Error);
                return DeliveryResult.NotDelivered;
            }
        }

        return DeliveryResult.Sent();
    }

    /// <summary>Messages shown to the whole channel, as new messages (the acknowledgement is not replaced).</summary>
    public static IReadOnlyList<JsonObject> InChannel(IEnumerable<SlackMessage> messages) =>
        messages.Select(m =>
        {
            var json = m.ToJson();
            json["response_type"] = "in_channel";
            json["replace_original"] = false;
            return json;
        }).ToList();

    /// <summary>Messages only the asker sees.</summary>
    public static IReadOnlyList<JsonObject> Ephemeral(IEnumerable<SlackMessage> messages) =>
        messages.Select(m =>
        {
            var json = m.ToJson();
            json["response_type"] = "ephemeral";
            return json;
        }).ToList();

    private static partial class Log
    {
        [LoggerMessage(1405, LogLevel.Warning, "Slack command {Name} produced {Count} messages; a response_url takes {Max}, the rest is dropped")]
        public static partial void TooManyResponses(ILogger logger, string name, int count, int max);

        [LoggerMessage(1406, LogLevel.Debug, "Slack command {Name}: result not delivered ({Error})")]
        public static partial void NotDelivered(ILogger logger, string name, string error);
    }
}
