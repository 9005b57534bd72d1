using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Conversations;
using Advisor.Core.Hosting;
using Advisor.Core.Insights;
using Advisor.Core.Turns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>
/// /ask, /compare, /roles and /reload. The acknowledgement is immediate (usage errors come back in it, ephemeral);
/// the result is posted through response_url afterwards: answers in the channel, errors only to the user. The
/// command holds the <see cref="QuestionGate"/> from its acknowledgement until its result is posted; once shutdown
/// began (Slack does not send a command again) and when the work queue is full, the acknowledgement itself says so.
/// Only Slack's own response URLs are used (<see cref="SlackResponseUrl"/>). <c>/ask</c> is a turn of the
/// <see cref="TurnPipeline"/>: admitted (dedupe, validation, the per-user limit) in the acknowledgement, answered from
/// the work queue in the asker's <c>/ask</c> conversation (<see cref="SlackKeys.CommandConversation"/>), kept once
/// delivered.
/// </summary>
public sealed partial class SlackCommandHandler(
    IAdvisor advisor,
    TurnPipeline pipeline,
    IConversationStore store,
    SlackSharedAnswers shared,
    SlackApiClient api,
    [FromKeyedServices(SlackPlatform.PlatformName)] PlatformWorkQueue queue,
    QuestionGate gate,
    AdvisorMetrics metrics,
    RejectionLog rejections,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackCommandHandler> logger) : ISlashCommandHandler
{
    public const string ReloadRefusal = "Sorry, /reload is for workspace admins and owners only.";

    /// <summary>The span /gaps reads back when no argument is given.</summary>
    public const string DefaultGapsSince = "7d";

    /// <summary>The refusal of an admin command (/reload, /gaps) to a user who is not an admin.</summary>
    public static string AdminRefusal(string commandName) => $"Sorry, {commandName} is for workspace admins and owners only.";

    /// <summary>The acknowledgement of a command whose response_url is not Slack's.</summary>
    public const string ForeignResponseUrl = "This command came with a response_url that is not Slack's, so I cannot answer it.";

    private readonly SlackCommandNames _names = options.Value.Commands;

    private string Usage =>
        $"Commands: `{_names.Ask} <question>`, `{_names.Compare} <role A> vs <role B> [aspect]`, `{_names.Roles}`, `{_names.Reload}` (admins), `{_names.Gaps} [7d]` (admins).";

    private string CompareUsage =>
        $"Usage: `{_names.Compare} <role A> vs <role B> [aspect]`, e.g. `{_names.Compare} AI Architect vs AI Scientist skills`.";

    private readonly HashSet<string> _admins = new(options.Value.AdminUserIds, StringComparer.Ordinal);
    private readonly Uri _apiBase = options.Value.ApiBase;

    public JsonObject? Handle(SlashCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var name = command.Command.Trim();
        Log.Command(logger, command.Command, command.UserId, command.ChannelId);

        // Held until the command's work is queued (the work then holds the gate itself until its result is posted).
        using var accepted = gate.TryAccept();
        if (string.IsNullOrEmpty(command.ResponseUrl))
        {
            return Ephemeral(SlackRenderer.Notice("This command came without a response_url, so I cannot answer it."))[0];
        }

        if (!SlackResponseUrl.IsAllowed(command.ResponseUrl, _apiBase, out _))
        {
            rejections.Rejected("slack commands", "response_url is not a Slack URL");
            return Ephemeral(SlackRenderer.Notice(ForeignResponseUrl))[0];
        }

        if (accepted is null)
        {
            if (Is(name, _names.Ask) && HandOffAsk(command) is { } handedOff)
            {
                return handedOff.Body;
            }

            metrics.Refused(SlackPlatform.PlatformName, "shutting_down");
            return Ephemeral(SlackRenderer.Notice(QuestionGate.RestartingText))[0];
        }

        // Dispatched by the configured names (Advisor:Slack:Commands); Slack sends the name as registered, lowercase.
        if (Is(name, _names.Ask))
        {
            return Ask(command);
        }

        if (Is(name, _names.Compare))
        {
            return Compare(command);
        }

        if (Is(name, _names.Roles))
        {
            return Later(command, "roles", _ => Task.FromResult(InChannel(SlackRenderer.Roles(advisor.Roles()))));
        }

        if (Is(name, _names.Reload))
        {
            return Later(command, "reload", ct => ReloadAsync(command, ct));
        }

        if (Is(name, _names.Gaps))
        {
            return Gaps(command);
        }

        return Notice(command, $"I don't know the command {command.Command}. {Usage}");
    }

    private static bool Is(string received, string configured) => string.Equals(received, configured, StringComparison.OrdinalIgnoreCase);

    private JsonObject? Ask(SlashCommand command)
    {
        var (message, refusal) = AdmitAsk(command);
        if (message is null)
        {
            return refusal;
        }

        var reply = AskReply(command, message);

        // Held from here (recorded in the background), so that another replica answers it should this one die first.
        var claim = pipeline.BeginClaim(message, reply);
        var queued = Enqueue(command, ct => pipeline.AnswerAsync(message, reply, claim, ct));
        if (queued is not null && claim is not null)
        {
            _ = claim.CompleteAsync(); // not queued: the asker hears the bot is busy
        }

        return queued;
    }

    /// <summary>The acknowledgement of a command handed to the other replicas (its body: null for an empty 200).</summary>
    private sealed record Acknowledgement(JsonObject? Body);

    /// <summary>
    /// While this replica stops: a question (<c>/ask</c>) is not refused with "restarting" when the other replicas can take
    /// it — Slack never sends a slash command again, but its response URL works from any replica for 30 minutes: it is
    /// acknowledged as usual, claimed, and its lease given back at once, so the next sweep of another replica answers it
    /// through the URL. Null when it cannot be handed over (no replicas sharing the claims, the claim not begun): the
    /// caller says "restarting".
    /// </summary>
    private Acknowledgement? HandOffAsk(SlashCommand command)
    {
        if (!pipeline.CanHandOff)
        {
            return null;
        }

        var (message, refusal) = AdmitAsk(command);
        if (message is null)
        {
            return new Acknowledgement(refusal); // over the limit, or a repeat: told as at any other time
        }

        if (pipeline.BeginClaim(message, AskReply(command, message)) is not { } claim)
        {
            return null;
        }

        pipeline.HandOff(claim);
        return new Acknowledgement(null);
    }

    /// <summary>The question an <c>/ask</c> asks, admitted by the pipeline; or null and the acknowledgement that refuses it.</summary>
    private (IncomingMessage? Message, JsonObject? Refusal) AdmitAsk(SlashCommand command)
    {
        var message = new IncomingMessage
        {
            Platform = SlackPlatform.PlatformName,
            DedupeKey = "", // Slack never sends a slash command twice
            ConversationKey = SlackKeys.CommandConversation(command),
            PerUser = SlackKeys.CommandConversationIsPerUser(command),
            UserKey = command.UserId,
            Text = command.Text.Trim(),
            IsCommand = true,
            ReceivedAt = time.GetUtcNow(),
        };
        var admission = pipeline.Admit(message);
        if (admission.Status == AdmissionStatus.Repeat)
        {
            return (null, null);
        }

        // A command must be answered: every refused one gets its refusal, in the acknowledgement.
        return admission.Accepted ? (message, null) : (null, Notice(command, (admission.Notice ?? TurnNotice.Apology).Text));
    }

    private SlackCommandReply AskReply(SlashCommand command, IncomingMessage message) => options.Value.AskEphemeral
        ? new SlackCommandReply(api, command.ResponseUrl!, "ask", logger, shared, command.UserId) { ReceivedAt = message.ReceivedAt }
        : new SlackCommandReply(api, command.ResponseUrl!, "ask", logger) { ReceivedAt = message.ReceivedAt };

    private JsonObject? Compare(SlashCommand command)
    {
        if (string.IsNullOrWhiteSpace(command.Text) && !string.IsNullOrEmpty(command.TriggerId))
        {
            return CompareModal(command);
        }

        if (!CompareRequest.TryParse(command.Text, out var roleA, out var roleB, out var aspect))
        {
            return Notice(command, CompareUsage);
        }

        return Later(command, "compare", _ =>
        {
            var outcome = advisor.Compare(roleA, roleB, aspect);
            return Task.FromResult(outcome.Succeeded
                ? InChannel(SlackRenderer.Comparison(outcome.Comparison!))
                : Ephemeral(SlackRenderer.Notice(outcome.Error ?? "I could not compare those roles.")));
        });
    }

    /// <summary>
    /// /compare with no arguments: a modal with two role selects (from the catalog), opened at once beside the queue
    /// (the trigger_id lives 3 s); its submission (<see cref="SlackCompareModal"/>) answers through this command's
    /// response_url. When the modal cannot be opened the usage is sent instead.
    /// </summary>
    private JsonObject? CompareModal(SlashCommand command)
    {
        var view = SlackCompareModal.View(advisor.Roles(), command.ResponseUrl!);
        var hold = gate.Hold();
        if (queue.TryNotice(hold, async ct =>
            {
                try
                {
                    await api.OpenViewAsync(command.TriggerId!, view, ct).ConfigureAwait(false);
                }
                catch (SlackApiException ex)
                {
                    Log.CompareModalNotOpened(logger, ex.Error);
                    await new SlackCommandReply(api, command.ResponseUrl!, "compare", logger).SendAsync(Ephemeral(SlackRenderer.Notice(CompareUsage)), ct).ConfigureAwait(false);
                }
            }))
        {
            return null;
        }

        return Notice(command, CompareUsage);
    }

    private async Task<IReadOnlyList<JsonObject>> ReloadAsync(SlashCommand command, CancellationToken cancellationToken)
    {
        if (!await IsAdminAsync(command.UserId, cancellationToken).ConfigureAwait(false))
        {
            Log.ReloadRefused(logger, command.UserId);
            return Ephemeral(SlackRenderer.Notice(AdminRefusal(_names.Reload)));
        }

        var report = await advisor.ReloadAsync(cancellationToken).ConfigureAwait(false);
        Log.Reloaded(logger, command.UserId, report.Succeeded, report.Version);
        return Ephemeral(SlackRenderer.Notice(report.Summary()));
    }

    private JsonObject? Gaps(SlashCommand command)
    {
        var text = command.Text.Trim();
        var since = text.Length == 0 ? DefaultGapsSince : text.ToLowerInvariant();
        if (Advisor.Core.Insights.GapReport.ParseSince(since) is not { } span)
        {
            return Notice(command, $"Usage: `{_names.Gaps} [24h|7d|2w]` (default {DefaultGapsSince}): the questions of that span the knowledge could not answer.");
        }

        return Later(command, "gaps", async ct =>
        {
            if (!await IsAdminAsync(command.UserId, ct).ConfigureAwait(false))
            {
                Log.GapsRefused(logger, command.UserId);
                return Ephemeral(SlackRenderer.Notice(AdminRefusal(_names.Gaps)));
            }

            var entries = await store.ReadLogAsync(new QuestionLogQuery { Since = time.GetUtcNow() - span, Limit = 100_000 }, ct).ConfigureAwait(false);
            var gaps = GapReport.Build(entries, advisor.Knowledge);
            var report = GapReport.ToText(gaps, entries.Count, since);
            var messages = Ephemeral(SlackRenderer.Notice(report));
            if (messages.Count > SlackCommandReply.MaxResponses)
            {
                // A response_url takes five messages: the largest groups come first, so the tail is what is left out.
                messages = [.. messages.Take(SlackCommandReply.MaxResponses - 1),
                    .. Ephemeral(SlackRenderer.Notice($"… {messages.Count - SlackCommandReply.MaxResponses + 1} more message(s) of smaller groups left out; `advisor gaps --since {since}` shows them all."))];
            }

            return messages;
        });
    }

    private async Task<bool> IsAdminAsync(string userId, CancellationToken cancellationToken)
    {
        if (_admins.Contains(userId))
        {
            return true;
        }

        try
        {
            var user = await api.UserInfoAsync(userId, cancellationToken).ConfigureAwait(false);
            return !user.IsBot && (user.IsAdmin || user.IsOwner || user.IsPrimaryOwner);
        }
        catch (SlackApiException)
        {
            return false; // fail closed; the error is logged by the client
        }
    }

    /// <summary>
    /// A notice only the user sees: in the acknowledgement when it fits one message, else (a very long one) through
    /// response_url so that nothing is cut.
    /// </summary>
    private JsonObject? Notice(SlashCommand command, string raw)
    {
        var messages = SlackRenderer.Notice(raw);
        if (messages.Count == 1)
        {
            return Ephemeral(messages)[0];
        }

        return Later(command, "notice", _ => Task.FromResult(Ephemeral(messages)));
    }

    /// <summary>
    /// Queues the command's work under its channel, holding the gate until its result (or a polite error) is posted
    /// to response_url; null (an empty ack) when queued, the busy notice as the ack when the queue is full.
    /// </summary>
    private JsonObject? Later(SlashCommand command, string name, Func<CancellationToken, Task<IReadOnlyList<JsonObject>>> work)
    {
        var reply = new SlackCommandReply(api, command.ResponseUrl!, name, logger);
        return Enqueue(command, async ct =>
        {
            IReadOnlyList<JsonObject> results;
            try
            {
                results = await work(ct).ConfigureAwait(false);
            }
            catch (InvalidQuestionException ex)
            {
                results = SlackCommandReply.Ephemeral(SlackRenderer.Notice(ex.Message));
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                Log.CommandFailed(logger, ex, name);
                results = SlackCommandReply.Ephemeral(SlackRenderer.Notice(TurnNotice.ApologyText));
            }

            await reply.SendAsync(results, ct).ConfigureAwait(false);
        });
    }

    /// <summary>Queues work under the command's channel, holding the gate until it ends; the busy notice as the ack when the queue is full.</summary>
    private JsonObject? Enqueue(SlashCommand command, Func<CancellationToken, Task> work)
    {
        var hold = gate.Hold();
        if (queue.TryEnqueue(SlackKeys.Channel(command.TeamId, command.ChannelId), hold, work))
        {
            return null;
        }

        hold.Dispose();
        metrics.Refused(SlackPlatform.PlatformName, "busy");
        rejections.Rejected("slack commands", "the work queue is full (the user is told the bot is busy)");
        return Ephemeral(SlackRenderer.Notice(TurnNotice.BusyText))[0];
    }

    private static IReadOnlyList<JsonObject> InChannel(IEnumerable<SlackMessage> messages) => SlackCommandReply.InChannel(messages);

    private static IReadOnlyList<JsonObject> Ephemeral(IEnumerable<SlackMessage> messages) => SlackCommandReply.Ephemeral(messages);

    private static partial class Log
    {
        [LoggerMessage(1401, LogLevel.Information, "Slack command {Command} from {UserId} in {ChannelId}")]
        public static partial void Command(ILogger logger, string command, string userId, string channelId);

        [LoggerMessage(1402, LogLevel.Warning, "Slack /reload refused for {UserId}: not an admin")]
        public static partial void ReloadRefused(ILogger logger, string userId);

        [LoggerMessage(1403, LogLevel.Information, "Slack /reload by {UserId}: succeeded={Succeeded}, version {Version}")]
        public static partial void Reloaded(ILogger logger, string userId, bool succeeded, string version);

        [LoggerMessage(1408, LogLevel.Information, "The /compare modal could not be opened ({Error}); the usage was sent instead")]
        public static partial void CompareModalNotOpened(ILogger logger, string error);

        [LoggerMessage(1407, LogLevel.Warning, "Slack /gaps refused for {UserId}: not an admin")]
        public static partial void GapsRefused(ILogger logger, string userId);

        [LoggerMessage(1404, LogLevel.Error, "Slack command {Name} failed")]
        public static partial void CommandFailed(ILogger logger, Exception exception, string name);
    }
}
