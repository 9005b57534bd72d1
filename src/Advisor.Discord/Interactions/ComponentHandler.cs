using System.Text.Json;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Hosting;
using Advisor.Core.Turns;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Advisor.Discord.Interactions;

/// <summary>
/// Clicks on the buttons under an answer (MESSAGE_COMPONENT, type 3) and the "What was missing?" modal (MODAL_SUBMIT,
/// type 5), from the gateway or the HTTP endpoint (signed, and a repeated interaction id answered once by the
/// <see cref="InteractionHandler"/>). Like every interaction, the initial response is decided at once, without I/O:
/// <list type="bullet">
/// <item>👍 (<c>fb:up:{turn}</c>): DEFERRED_UPDATE_MESSAGE (6) — acknowledged with no visible change — and the rating
/// kept with the turn beside the queue (<see cref="TurnPipeline.RecordFeedbackAsync"/>; the last click wins);</item>
/// <item>👎 (<c>fb:down:{turn}</c>): the rating kept the same way, and the "What was missing?" modal (9) as the response;</item>
/// <item>the modal's submit (<c>fb:why:{turn}</c>): the text kept with the 👎, acknowledged with 6 (the modal was
/// opened from the answer's button, so it is component-based) — or, for a submit that names no message, an ephemeral "Thanks";</item>
/// <item>a suggested follow-up (<c>fu:{key}</c>): the question the key stands for asked on the pipeline in the same
/// conversation as the answer clicked (its channel or thread; the clicker as the asker; the interaction id as the
/// dedupe key), deferred publicly (5, Discord's "thinking…") and answered by editing that response — in the same
/// channel as the answer. A refusal (over the limit, busy, restarting) is ephemeral, as for /ask;</item>
/// <item>anything else (an unknown or tampered id, a key the knowledge no longer has): 6, and logged.</item>
/// </list>
/// A quiet acknowledgement rather than an ephemeral "Thanks" for a click: the pressed button is the feedback the user
/// sees, and a message per click in a busy channel would be noise.
/// </summary>
internal sealed partial class ComponentHandler(
    TurnPipeline pipeline,
    IAdvisor advisor,
    DiscordDelivery delivery,
    DiscordRestClient rest,
    StreamingSettings streaming,
    [FromKeyedServices(DiscordPlatform.PlatformName)] PlatformWorkQueue work,
    QuestionGate gate,
    Advisor.Core.Coordination.IEventDedupe dedupe,
    AdvisorMetrics metrics,
    RejectionLog rejections,
    TimeProvider time,
    ILogger<ComponentHandler> logger)
{
    /// <summary>The thanks for a modal submit that cannot be acknowledged silently.</summary>
    public const string ThanksText = "Thanks for the feedback.";

    /// <summary>The answer to Share where the bot has no way to post (a user install, a private channel).</summary>
    public const string CannotShareText =
        "I can't post in this channel: Advisor is installed to your account, not to this server or conversation. Copy the answer, or ask a server admin to add Advisor.";

    /// <summary>The answer to Share when Discord refused the post (the bot lacks Send Messages or Embed Links there).</summary>
    public const string ShareFailedText = "I couldn't post the answer in this channel (Discord refused it: Advisor may lack permission to send messages here).";

    /// <summary>The initial response to a component click or modal submit; the slow part is queued.</summary>
    public InteractionResponse Decide(InteractionContext context, Task<bool> acknowledged)
    {
        var id = context.CustomId;
        if (context.Type == 5)
        {
            if (id.StartsWith(AnswerComponents.MissingPrefix, StringComparison.Ordinal))
            {
                var text = context.Inputs.TryGetValue(AnswerComponents.MissingInput, out var t) ? t.Trim() : "";
                Record(context, id[AnswerComponents.MissingPrefix.Length..], FeedbackRating.Down, text.Length == 0 ? null : text);
            }
            else
            {
                Log.Unknown(logger, context.Id, Shorten(id));
            }

            return context.MessageId is null ? Ephemeral(ThanksText) : InteractionResponse.DeferredUpdate;
        }

        if (id.StartsWith(AnswerComponents.FeedbackUpPrefix, StringComparison.Ordinal))
        {
            Record(context, id[AnswerComponents.FeedbackUpPrefix.Length..], FeedbackRating.Up, null);
            return InteractionResponse.DeferredUpdate;
        }

        if (id.StartsWith(AnswerComponents.FeedbackDownPrefix, StringComparison.Ordinal))
        {
            var turn = id[AnswerComponents.FeedbackDownPrefix.Length..];
            Record(context, turn, FeedbackRating.Down, null);
            return TurnId.TryParse(turn, out var parsed) ? InteractionResponse.Modal(AnswerComponents.MissingModal(parsed.ToString())) : InteractionResponse.DeferredUpdate;
        }

        if (id.StartsWith(AnswerComponents.FollowUpPrefix, StringComparison.Ordinal))
        {
            return FollowUp(context, id[AnswerComponents.FollowUpPrefix.Length..], acknowledged);
        }

        if (id == AnswerComponents.ShareId)
        {
            return Share(context, acknowledged);
        }

        Log.Unknown(logger, context.Id, Shorten(id));
        return InteractionResponse.DeferredUpdate;
    }

    /// <summary>Keeps a rating beside the queue (a quick store write; an unknown turn is dropped by the pipeline, logged there).</summary>
    private void Record(InteractionContext context, string turnId, FeedbackRating rating, string? text)
    {
        if (!work.TryNotice(gate.Hold(), ct => pipeline.RecordFeedbackAsync(DiscordPlatform.PlatformName, turnId, rating, text, ct)))
        {
            Log.FeedbackSkipped(logger, context.Id);
        }
    }

    private InteractionResponse FollowUp(InteractionContext context, string key, Task<bool> acknowledged)
    {
        if (FollowUps.Question(key, advisor.Knowledge) is not { } question)
        {
            Log.Unknown(logger, context.Id, Shorten(AnswerComponents.FollowUpPrefix + key));
            return InteractionResponse.DeferredUpdate;
        }

        var hold = gate.TryAccept();
        if (hold is null)
        {
            metrics.Refused(DiscordPlatform.PlatformName, "shutting_down");
            return Ephemeral(QuestionGate.RestartingText);
        }

        var message = Message(context, question);
        var admission = pipeline.Admit(message);
        if (!admission.Accepted)
        {
            hold.Dispose();
            return Ephemeral(admission.Status == AdmissionStatus.Repeat ? "This request is being answered already." : (admission.Notice ?? TurnNotice.Apology).Text);
        }

        var reply = new InteractionReply(delivery, context, ephemeral: false, streaming, rest, time, logger);
        var claim = pipeline.BeginClaim(message, reply); // held from here, so that another replica answers it should this one die
        if (!work.TryEnqueue(InteractionHandler.QueueKey(context), hold, ct => AnswerAsync(context, message, reply, claim, acknowledged, ct)))
        {
            _ = claim?.CompleteAsync();
            hold.Dispose();
            metrics.Refused(DiscordPlatform.PlatformName, "busy");
            rejections.Rejected(DiscordPlatform.QueueName, "full (busy notice sent)");
            return Ephemeral(TurnNotice.BusyText);
        }

        return InteractionResponse.Defer(ephemeral: false);
    }

    private async Task AnswerAsync(InteractionContext context, IncomingMessage message, InteractionReply reply, Advisor.Core.Coordination.InFlightClaim? claim,
        Task<bool> acknowledged, CancellationToken ct)
    {
        if (!await acknowledged.WaitAsync(ct).ConfigureAwait(false))
        {
            Log.NotAcknowledged(logger, context.Id);
            await (claim?.CompleteAsync() ?? Task.CompletedTask).ConfigureAwait(false); // nobody can answer it now
            return;
        }

        await pipeline.AnswerAsync(message, reply, claim, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// "Share" under a private answer: the message it is on (as the interaction carries it) posted in the channel with
    /// the bot's token, "Shared by @user" (no ping), its buttons left out; then the private message's button becomes a
    /// disabled "Shared in the channel". Acknowledged at once with 6; where the bot cannot post, an ephemeral notice.
    /// </summary>
    private InteractionResponse Share(InteractionContext context, Task<bool> acknowledged)
    {
        if (!context.BotInChannel || context.ChannelId is null)
        {
            return Ephemeral(CannotShareText);
        }

        if (SharedCopy(context) is not { } copy || context.SourceMessage is not { } source)
        {
            Log.Unknown(logger, context.Id, AnswerComponents.ShareId);
            return InteractionResponse.DeferredUpdate;
        }

        var marked = new DiscordMessagePayload { Components = AnswerComponents.MarkShared(Components(source)) };
        if (!work.TryNotice(gate.Hold(), async ct =>
            {
                if (!await acknowledged.WaitAsync(ct).ConfigureAwait(false)
                    || !await dedupe.TryClaimAcrossReplicasAsync(InteractionHandler.Interactions, context.Id, ct).ConfigureAwait(false))
                {
                    return; // not acknowledged, or another replica shares it
                }

                var posted = await delivery.PostAsync(context.ChannelId, copy.WithNonce("share:" + context.Id), "a shared answer", ct).ConfigureAwait(false);
                if (posted.Delivered)
                {
                    await delivery.EditOriginalAsync(context.Id, context.Token, marked, ct).ConfigureAwait(false);
                }
                else
                {
                    await delivery.FollowupAsync(context.Id, context.Token, DiscordFormatter.Text(ShareFailedText, ephemeral: true)[0], ct).ConfigureAwait(false);
                }
            }))
        {
            return Ephemeral(TurnNotice.BusyText);
        }

        return InteractionResponse.DeferredUpdate;
    }

    /// <summary>The public copy of the clicked private message; null when the interaction carries no message to copy.</summary>
    internal static DiscordMessagePayload? SharedCopy(InteractionContext context)
    {
        if (context.SourceMessage is not { } source)
        {
            return null;
        }

        var byline = $"Shared by <@{context.UserId}>";
        var flags = source.Int("flags") ?? 0;
        if ((flags & DiscordMessagePayload.ComponentsV2Flag) != 0)
        {
            var components = AnswerComponents.WithoutRows(Components(source));
            return components.Count == 0 ? null : new DiscordMessagePayload
            {
                Flags = DiscordMessagePayload.ComponentsV2Flag,
                Components = [new DiscordComponent { Type = DiscordComponent.TextDisplay, Content = "-# " + byline }, .. components],
            };
        }

        List<DiscordEmbed> embeds;
        try
        {
            embeds = source.TryGetProperty("embeds", out var e) && e.ValueKind == System.Text.Json.JsonValueKind.Array
                ? e.Deserialize<List<DiscordEmbed>>(DiscordJson.Options) ?? []
                : [];
        }
        catch (System.Text.Json.JsonException)
        {
            embeds = [];
        }

        var content = source.Str("content");
        return embeds.Count == 0 && string.IsNullOrWhiteSpace(content) ? null : new DiscordMessagePayload
        {
            Content = string.IsNullOrWhiteSpace(content) ? byline : byline + "\n" + content,
            Embeds = embeds.Count == 0 ? null : embeds.Select(x => new DiscordEmbed { Title = x.Title, Description = x.Description, Fields = x.Fields, Color = x.Color }).ToList(),
        };
    }

    private static IReadOnlyList<DiscordComponent> Components(System.Text.Json.JsonElement message)
    {
        try
        {
            return message.TryGetProperty("components", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.Array
                ? c.Deserialize<List<DiscordComponent>>(DiscordJson.Options) ?? []
                : [];
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }

    /// <summary>A follow-up asked by a click: the conversation of the answer's channel (a thread's, a DM's, or the clicker's own in a channel).</summary>
    internal static IncomingMessage Message(InteractionContext context, string question) => new()
    {
        Platform = DiscordPlatform.PlatformName,
        DedupeKey = "interaction:" + context.Id,
        ConversationKey = DiscordConversation.ChannelKey(context.ChannelId ?? ""),
        PerUser = !context.IsThread && context.GuildId is not null,
        UserKey = context.UserId,
        Text = question,
        IsCommand = true,
        ReceivedAt = context.ReceivedAt,
    };

    private static InteractionResponse Ephemeral(string text) => InteractionResponse.Message(DiscordFormatter.Text(text, ephemeral: true)[0]);

    private static string Shorten(string id) => id.Length <= 40 ? id : id[..40] + "…";

    private static partial class Log
    {
        [LoggerMessage(420, LogLevel.Information, "Discord interaction {InteractionId}: a component or modal id that is not the bot's ({CustomId}); acknowledged quietly")]
        public static partial void Unknown(ILogger logger, string interactionId, string customId);

        [LoggerMessage(421, LogLevel.Warning, "Discord interaction {InteractionId}: feedback not kept (too many notices being sent)")]
        public static partial void FeedbackSkipped(ILogger logger, string interactionId);

        [LoggerMessage(422, LogLevel.Warning, "Discord interaction {InteractionId}: Discord did not get the deferral, so the follow-up's answer is not sent")]
        public static partial void NotAcknowledged(ILogger logger, string interactionId);
    }
}
