using System.Text.Json;
using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Coordination;
using Advisor.Core.Hosting;
using Advisor.Core.Turns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>
/// Clicks and modal submissions (interactivity payloads, over HTTP /slack/interactivity or Socket Mode), decided at
/// once and acknowledged empty — quietly, with no message — while the work runs afterwards:
/// <list type="bullet">
/// <item>👍/👎 (<see cref="SlackRenderer.FeedbackActionId"/>): kept with the turn through
/// <see cref="TurnPipeline.RecordFeedbackAsync"/> (the last click wins); 👎 also opens the "What was missing?" modal with
/// the click's trigger_id (valid 3 s, so beside the work queue, not behind it);</item>
/// <item>the modal's submission: its text kept with the turn (👎), its private_metadata being the turn id; the empty
/// acknowledgement closes the modal;</item>
/// <item>a suggested follow-up (<see cref="SlackRenderer.FollowUpActionPrefix"/>): its key turned back into its question
/// (<see cref="FollowUps.Question"/>) and asked, by the clicker, in the answer's thread, on the same pipeline. A key that
/// is not one (tampered, outdated) is acknowledged and dropped (logged through the <see cref="RejectionLog"/>).</item>
/// <item>a <c>block_suggestion</c> from the /compare modal's external_selects (more than 100 roles): answered in the
/// acknowledgement itself with up to 100 matching roles as <c>{"options":[…]}</c>.</item>
/// </list>
/// A payload delivered twice (the same trigger_id) is handled once — at intake in this replica's memory, and across
/// replicas when its work starts (<see cref="IEventDedupe"/>); the follow-up's question also has a dedupe key of its own
/// for the pipeline.
/// </summary>
public sealed partial class SlackInteractionHandler(
    TurnPipeline pipeline,
    IEventDedupe dedupe,
    IAdvisor advisor,
    SlackApiClient api,
    SlackBotIdentityProvider identity,
    [FromKeyedServices(SlackPlatform.PlatformName)] PlatformWorkQueue queue,
    QuestionGate gate,
    SlackStatusSupport statusSupport,
    SlackAgentSessions sessions,
    SlackSharedAnswers shared,
    RejectionLog rejections,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackInteractionHandler> logger)
{
    /// <summary>The callback_id of the "What was missing?" modal.</summary>
    public const string MissingCallbackId = "advisor_feedback_missing";

    /// <summary>The block_id and action_id of the modal's text input.</summary>
    public const string MissingBlockId = "missing";

    /// <inheritdoc cref="MissingBlockId"/>
    public const string MissingActionId = "text";

    /// <summary>Interaction payloads (by type and trigger_id, or a view's id and hash), remembered an hour.</summary>
    public static readonly DedupeScope Interactions = new("slack-interaction", TimeSpan.FromHours(1));

    private const string Endpoint = "slack interactivity";
    private readonly string _reaction = options.Value.ThinkingReaction;
    private readonly SlackReplySettings _settings = SlackReplySettings.From(options, statusSupport, time) with { Sessions = sessions };

    /// <summary>Takes an interaction payload; returns the acknowledgement's payload (null: an empty acknowledgement).</summary>
    public JsonObject? Handle(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var type = Str(payload, "type") ?? "-";
        if (type == "block_suggestion")
        {
            // Answered in the acknowledgement itself (no trigger_id, and the same view asks again as the user types).
            return Suggestions(payload);
        }

        var key = ClaimKey(payload);
        if (key is not null && !dedupe.TryClaim(Interactions, key))
        {
            Log.Repeat(logger, type);
            return null;
        }

        using var accepted = gate.TryAccept();
        if (accepted is null)
        {
            rejections.Rejected(Endpoint, "shutting down: the click is acknowledged and dropped");
            return null;
        }

        switch (type)
        {
            case "block_actions":
                BlockActions(payload);
                break;
            case "view_submission" when payload.TryGetProperty("view", out var submitted) && Str(submitted, "callback_id") == SlackCompareModal.CallbackId:
                return CompareSubmission(payload, submitted);
            case "view_submission":
                ViewSubmission(payload);
                break;
            default:
                Log.Ignored(logger, type);
                break;
        }

        return null;
    }

    /// <summary>The payload's dedupe key: its type and trigger_id, or for a view without one, the view's id and hash.</summary>
    private static string? ClaimKey(JsonElement payload)
    {
        var key = Str(payload, "trigger_id") ?? (payload.TryGetProperty("view", out var v) ? Str(v, "id") + "/" + Str(v, "hash") : null);
        return key is null ? null : (Str(payload, "type") ?? "-") + ":" + key;
    }

    /// <summary>
    /// A <c>block_suggestion</c> from the /compare modal's external_selects (a catalog of more than 100 roles): up to
    /// 100 roles matching what the user typed, as <c>{"options":[…]}</c>. Another select's request gets no options.
    /// </summary>
    private JsonObject Suggestions(JsonElement payload)
    {
        var callbackId = payload.TryGetProperty("view", out var view) ? Str(view, "callback_id") : null;
        var blockId = Str(payload, "block_id");
        if (callbackId != SlackCompareModal.CallbackId || blockId is not (SlackCompareModal.RoleABlockId or SlackCompareModal.RoleBBlockId))
        {
            Log.Ignored(logger, "block_suggestion " + (blockId ?? "-"));
            return new JsonObject { ["options"] = new JsonArray() };
        }

        return SlackCompareModal.Suggestions(advisor.SuggestRoles(Str(payload, "value") ?? "", SlackCompareModal.MaxOptions));
    }

    private void BlockActions(JsonElement payload)
    {
        if (!payload.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var user = payload.TryGetProperty("user", out var u) ? Str(u, "id") : null;
        foreach (var action in actions.EnumerateArray())
        {
            var actionId = Str(action, "action_id") ?? "";
            var value = Str(action, "value") ?? "";
            if (actionId == SlackRenderer.FeedbackActionId)
            {
                Feedback(payload, value);
            }
            else if (actionId == SlackRenderer.ShareActionId && user is not null)
            {
                Share(payload, value, user);
            }
            else if (actionId.StartsWith(SlackRenderer.FollowUpActionPrefix, StringComparison.Ordinal) && user is not null)
            {
                FollowUp(payload, action, value, user);
            }
            else
            {
                Log.Ignored(logger, "block_actions " + actionId);
            }
        }
    }

    private void Feedback(JsonElement payload, string value)
    {
        var (rating, turnId) = value.StartsWith(SlackRenderer.PositivePrefix, StringComparison.Ordinal)
            ? (FeedbackRating.Up, value[SlackRenderer.PositivePrefix.Length..])
            : value.StartsWith(SlackRenderer.NegativePrefix, StringComparison.Ordinal)
                ? (FeedbackRating.Down, value[SlackRenderer.NegativePrefix.Length..])
                : (default(FeedbackRating?), "");
        if (rating is not { } r)
        {
            rejections.Rejected(Endpoint, "a feedback click whose value is not one (tampered or outdated)");
            return;
        }

        var trigger = Str(payload, "trigger_id");
        Beside(payload, async ct =>
        {
            if (r == FeedbackRating.Down && trigger is not null && TurnId.TryParse(turnId, out _))
            {
                // First, while the trigger_id is fresh (3 s): the modal asks what was missing.
                try
                {
                    await api.OpenViewAsync(trigger, MissingView(turnId), ct).ConfigureAwait(false);
                }
                catch (SlackApiException ex)
                {
                    Log.ModalNotOpened(logger, ex.Error);
                }
            }

            var outcome = await pipeline.RecordFeedbackAsync(SlackPlatform.PlatformName, turnId, r, null, ct).ConfigureAwait(false);
            Log.Feedback(logger, r, outcome);
        });
    }

    /// <summary>The ephemeral text when an answer can no longer be shared (expired, already shared, or the bot restarted).</summary>
    public const string ShareGone = "This answer can no longer be shared (it was shared already, or it is older than 30 minutes). Ask again to share a new one.";

    /// <summary>
    /// "Share in channel" under an ephemeral /ask answer: the same answer posted in the channel through the click's
    /// response_url (in_channel, not replacing anything) with "Shared by @user" under it, then the ephemeral copy deleted.
    /// </summary>
    private void Share(JsonElement payload, string shareId, string user)
    {
        var responseUrl = Str(payload, "response_url");
        if (!SlackResponseUrl.IsAllowed(responseUrl, options.Value.ApiBase, out _))
        {
            rejections.Rejected(Endpoint, "a share click without a Slack response_url");
            return;
        }

        Beside(payload, async ct =>
        {
            var messages = shared.Take(shareId, user);
            if (messages is null)
            {
                var gone = SlackRenderer.Notice(ShareGone)[0].ToJson();
                gone["response_type"] = "ephemeral";
                gone["replace_original"] = false;
                await api.RespondAsync(responseUrl!, gone, ct).ConfigureAwait(false);
                return;
            }

            // A response_url takes five posts: up to four messages of the answer, then the deletion of the ephemeral copy.
            var posts = SlackRenderer.SharedBy(messages, user);
            if (posts.Count > SlackCommandReply.MaxResponses - 1)
            {
                Log.ShareTooLong(logger, posts.Count);
                posts = [.. posts.Take(SlackCommandReply.MaxResponses - 2), posts[^1]];
            }

            foreach (var post in posts)
            {
                post["response_type"] = "in_channel";
                post["replace_original"] = false;
                await api.RespondAsync(responseUrl!, post, ct).ConfigureAwait(false);
            }

            await api.RespondAsync(responseUrl!, new JsonObject { ["delete_original"] = true }, ct).ConfigureAwait(false);
            Log.Shared(logger, user);
        });
    }

    /// <summary>
    /// The /compare modal's submission: the same role twice is refused under the second select (the modal stays open);
    /// otherwise the modal closes and the comparison is posted in the channel through the command's response_url (kept
    /// in private_metadata), or, when a role is unknown, the reason only to the user.
    /// </summary>
    private JsonObject? CompareSubmission(JsonElement payload, JsonElement view)
    {
        var (roleA, roleB, aspect) = SlackCompareModal.Read(view);
        if (roleA is null || roleB is null)
        {
            return Errors(roleA is null ? SlackCompareModal.RoleABlockId : SlackCompareModal.RoleBBlockId, "Choose a role.");
        }

        if (string.Equals(roleA, roleB, StringComparison.OrdinalIgnoreCase))
        {
            return Errors(SlackCompareModal.RoleBBlockId, SlackCompareModal.SameRoleError);
        }

        var responseUrl = Str(view, "private_metadata");
        if (!SlackResponseUrl.IsAllowed(responseUrl, options.Value.ApiBase, out _))
        {
            rejections.Rejected(Endpoint, "a /compare modal whose private_metadata is not a Slack response_url");
            return null;
        }

        Beside(payload, async ct =>
        {
            var outcome = advisor.Compare(roleA, roleB, aspect);
            var results = outcome.Succeeded
                ? SlackCommandReply.InChannel(SlackRenderer.Comparison(outcome.Comparison!))
                : SlackCommandReply.Ephemeral(SlackRenderer.Notice(outcome.Error ?? "I could not compare those roles."));
            await new SlackCommandReply(api, responseUrl!, "compare", logger).SendAsync(results, ct).ConfigureAwait(false);
        });
        return null;

        static JsonObject Errors(string blockId, string message) => new()
        {
            ["response_action"] = "errors",
            ["errors"] = new JsonObject { [blockId] = message },
        };
    }

    private void ViewSubmission(JsonElement payload)
    {
        if (!payload.TryGetProperty("view", out var view) || Str(view, "callback_id") != MissingCallbackId)
        {
            Log.Ignored(logger, "view_submission " + (payload.TryGetProperty("view", out var other) ? Str(other, "callback_id") : "-"));
            return;
        }

        var turnId = Str(view, "private_metadata") ?? "";
        string? text = null;
        if (view.TryGetProperty("state", out var state) && state.TryGetProperty("values", out var values)
            && values.ValueKind == JsonValueKind.Object && values.TryGetProperty(MissingBlockId, out var block)
            && block.ValueKind == JsonValueKind.Object && block.TryGetProperty(MissingActionId, out var input))
        {
            text = Str(input, "value");
        }

        Beside(payload, async ct =>
        {
            var outcome = await pipeline.RecordFeedbackAsync(SlackPlatform.PlatformName, turnId, FeedbackRating.Down, string.IsNullOrWhiteSpace(text) ? null : text.Trim(), ct)
                .ConfigureAwait(false);
            Log.Feedback(logger, FeedbackRating.Down, outcome);
        });
    }

    private void FollowUp(JsonElement payload, JsonElement action, string key, string user)
    {
        if (FollowUps.Question(key, advisor.Knowledge) is not { } question)
        {
            rejections.Rejected(Endpoint, "a follow-up button whose key is not one (tampered or outdated)");
            return;
        }

        payload.TryGetProperty("container", out var container);
        var channel = (payload.TryGetProperty("channel", out var c) ? Str(c, "id") : null) ?? Str(container, "channel_id");
        var messageTs = Str(container, "message_ts") ?? (payload.TryGetProperty("message", out var m) ? Str(m, "ts") : null);
        if (channel is null || messageTs is null)
        {
            rejections.Rejected(Endpoint, "a follow-up click without its channel or message");
            return;
        }

        var threadTs = Str(container, "thread_ts") ?? (payload.TryGetProperty("message", out var msg) ? Str(msg, "thread_ts") : null);
        var team = (payload.TryGetProperty("team", out var t) && t.ValueKind == JsonValueKind.Object ? Str(t, "id") : null)
            ?? (payload.TryGetProperty("user", out var u) ? Str(u, "team_id") : null) ?? "-";
        var clickTs = Str(action, "action_ts") ?? messageTs;

        // In the answer's thread; a direct message outside threads stays there; an answer in a channel (/ask) gets a thread.
        var replyThread = threadTs ?? (SlackKeys.IsDirectMessage(channel) ? null : messageTs);
        var conversation = replyThread is null ? $"slack:{team}:{channel}" : $"slack:{team}:{channel}:{replyThread}";
        var message = new IncomingMessage
        {
            Platform = SlackPlatform.PlatformName,
            DedupeKey = $"{channel}:click:{Str(payload, "trigger_id") ?? clickTs + ":" + user}",
            ConversationKey = conversation,
            UserKey = user,
            Text = question,
            Addressed = true,
            ReceivedAt = time.GetUtcNow(),
        };
        var hold = gate.Hold();
        if (!queue.TryEnqueue(SlackKeys.Channel(team, channel), hold, async ct =>
            {
                var me = await identity.GetAsync(ct).ConfigureAwait(false);
                var reply = new SlackThreadReply(api, channel, replyThread, clickTs, me.BotId, _reaction, 0, logger, _settings, user, team, reactionTs: messageTs,
                    question: question);
                await pipeline.HandleAsync(message, reply, ct).ConfigureAwait(false);
            }))
        {
            hold.Dispose();
            rejections.Rejected(Endpoint, "the work queue is full: a follow-up click is dropped");
        }
    }

    /// <summary>
    /// Runs short work beside the queue (a modal must open within the trigger's 3 s), holding the gate — unless another
    /// replica took the same payload on.
    /// </summary>
    private void Beside(JsonElement payload, Func<CancellationToken, Task> work)
    {
        var claim = ClaimKey(payload);
        var hold = gate.Hold();
        if (!queue.TryNotice(hold, async ct =>
            {
                try
                {
                    if (claim is not null && !await dedupe.TryClaimAcrossReplicasAsync(Interactions, claim, ct).ConfigureAwait(false))
                    {
                        Log.Repeat(logger, "taken on by another replica");
                        return;
                    }

                    await work(ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    Log.Failed(logger, ex);
                }
            }))
        {
            rejections.Rejected(Endpoint, "too much feedback at once: a click is dropped");
        }
    }

    /// <summary>The "What was missing?" modal; its private_metadata is the turn id.</summary>
    internal static JsonObject MissingView(string turnId) => new()
    {
        ["type"] = "modal",
        ["callback_id"] = MissingCallbackId,
        ["private_metadata"] = turnId,
        ["title"] = new JsonObject { ["type"] = "plain_text", ["text"] = "What was missing?" },
        ["submit"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Send" },
        ["close"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Cancel" },
        ["blocks"] = new JsonArray(new JsonObject
        {
            ["type"] = "input",
            ["block_id"] = MissingBlockId,
            ["label"] = new JsonObject { ["type"] = "plain_text", ["text"] = "What was missing or wrong in the answer?" },
            ["element"] = new JsonObject
            {
                ["type"] = "plain_text_input",
                ["action_id"] = MissingActionId,
                ["multiline"] = true,
                ["max_length"] = 2000,
            },
        }),
    };

    private static string? Str(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object ? SlackEventEnvelope.Str(e, name) : null;

    private static partial class Log
    {
        [LoggerMessage(1610, LogLevel.Debug, "Slack interaction {Type} delivered again; handled once")]
        public static partial void Repeat(ILogger logger, string type);

        [LoggerMessage(1611, LogLevel.Debug, "Slack interaction {Type} acknowledged and ignored")]
        public static partial void Ignored(ILogger logger, string type);

        [LoggerMessage(1612, LogLevel.Debug, "Slack feedback {Rating}: {Outcome}")]
        public static partial void Feedback(ILogger logger, FeedbackRating rating, FeedbackOutcome outcome);

        [LoggerMessage(1613, LogLevel.Information, "The 'What was missing?' modal could not be opened ({Error})")]
        public static partial void ModalNotOpened(ILogger logger, string error);

        [LoggerMessage(1615, LogLevel.Information, "Slack /ask answer shared in its channel by {UserId}")]
        public static partial void Shared(ILogger logger, string userId);

        [LoggerMessage(1616, LogLevel.Warning, "A shared answer had {Count} messages; a response_url takes five posts, the middle ones are left out")]
        public static partial void ShareTooLong(ILogger logger, int count);

        [LoggerMessage(1614, LogLevel.Warning, "A Slack interaction failed")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
