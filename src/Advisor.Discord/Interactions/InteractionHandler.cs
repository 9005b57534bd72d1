using System.Text.Json;
using Advisor.Core;
using Advisor.Core.Coordination;
using Advisor.Core.Hosting;
using Advisor.Core.Turns;
using Advisor.Discord.Gateway;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Advisor.Discord.Interactions;

/// <summary>What intake decided about one interaction.</summary>
internal sealed record InteractionOutcome
{
    /// <summary>The initial response to give now (PONG, autocomplete choices, a deferral, an ephemeral refusal).</summary>
    public InteractionResponse? Response { get; init; }

    /// <summary>Set when the interaction is malformed and refused: what is wrong (never the input itself).</summary>
    public string? Problem { get; init; }

    /// <summary>Set for an interaction seen before: completes with the response the first one got.</summary>
    public Task<InteractionResponse>? Earlier { get; init; }

    public InteractionContext? Context { get; init; }
}

/// <summary>
/// Interactions, from the gateway or the HTTP endpoint. Intake (<see cref="Accept(JsonElement, Task{bool})"/>) decides
/// the initial response at once, without waiting on anything: PING → PONG, autocomplete answered, a command deferred
/// and its work queued on the channel's lane of the work queue — or, when it cannot be taken, an
/// ephemeral refusal (restarting, busy, over the limit, not allowed). The queued work starts once Discord has the
/// deferral, and edits the deferred message with the result; errors go to the caller only. Each interaction is worked
/// on once: a repeat gets the response the first one got (this replica's memory, <see cref="RecentInteractions"/>, since
/// the response must be decided at once), and the queued work runs only when no other replica took the same
/// interaction on (<see cref="IEventDedupe"/>, when it starts).
/// </summary>
internal sealed partial class InteractionHandler(
    IEnumerable<IDiscordCommandModule> modules,
    ComponentHandler components,
    DiscordDelivery delivery,
    DiscordRestClient rest,
    StreamingSettings streaming,
    [FromKeyedServices(DiscordPlatform.PlatformName)] PlatformWorkQueue work,
    QuestionGate gate,
    TurnPipeline pipeline,
    IEventDedupe dedupe,
    AdvisorMetrics metrics,
    RejectionLog rejections,
    TimeProvider time,
    ILogger<InteractionHandler> logger) : IGatewayDispatchHandler
{
    /// <summary>Interaction ids across replicas, for as long as an interaction's token lives.</summary>
    internal static readonly DedupeScope Interactions = new("discord-interaction", TimeSpan.FromMinutes(15), 10_000);

    /// <summary>How the gateway's rejections are named in the rejection log.</summary>
    public const string GatewayEndpoint = "the Discord gateway (INTERACTION_CREATE)";

    private readonly Dictionary<string, IDiscordCommandModule> _modules = modules.ToDictionary(m => m.Definition.Name, StringComparer.Ordinal);

    /// <summary>Interaction tokens live 15 minutes; a repeat after that could not be answered anyway.</summary>
    private readonly RecentInteractions _recent = new(time, TimeSpan.FromMinutes(15));

    public bool Handles(string eventName) => eventName == "INTERACTION_CREATE";

    /// <summary>A gateway interaction: decided at once; the initial response is posted beside the receive loop.</summary>
    public void Accept(string eventName, JsonElement data)
    {
        var acknowledged = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var outcome = Accept(data, acknowledged.Task);
        if (outcome.Problem is not null)
        {
            rejections.Rejected(GatewayEndpoint, "malformed interaction");
            acknowledged.TrySetResult(false);
            return;
        }

        if (outcome.Earlier is not null || outcome.Context is not { } context || outcome.Response is not { } response)
        {
            // A resume replayed it: its initial response was given (or is being given) already.
            Log.Repeat(logger, data.Str("id") ?? "?");
            return;
        }

        var posted = work.TryNotice(gate.Hold(), async ct =>
        {
            var ok = false;
            try
            {
                ok = await delivery.CallbackAsync(context.Id, context.Token, response, ct);
            }
            finally
            {
                acknowledged.TrySetResult(ok);
            }
        });
        if (!posted)
        {
            acknowledged.TrySetResult(false);
        }
    }

    /// <summary>
    /// Decides the initial response to one interaction; <paramref name="acknowledged"/> completes (true) once Discord
    /// has it — the queued work waits for that before it edits the response.
    /// </summary>
    public InteractionOutcome Accept(JsonElement interaction, Task<bool> acknowledged)
    {
        if (interaction.ValueKind == JsonValueKind.Object && interaction.TryGetProperty("type", out var t)
            && t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var type) && type == 1)
        {
            return new InteractionOutcome { Response = InteractionResponse.Pong };
        }

        var context = InteractionContext.Parse(interaction, out var problem, time.GetUtcNow());
        if (context is null)
        {
            return new InteractionOutcome { Problem = problem ?? "unreadable" };
        }

        if (!_recent.TryClaim(context.Id, out var claimed))
        {
            return new InteractionOutcome { Earlier = claimed.Task, Context = context };
        }

        InteractionResponse response;
        try
        {
            response = Decide(context, acknowledged);
        }
        catch (Exception ex)
        {
            claimed.TrySetException(ex);
            throw;
        }

        claimed.TrySetResult(response);
        return new InteractionOutcome { Response = response, Context = context };
    }

    private InteractionResponse Decide(InteractionContext context, Task<bool> acknowledged)
    {
        _modules.TryGetValue(context.CommandName, out var module);
        if (context.Type == 4)
        {
            var focused = context.Focused();
            return InteractionResponse.Autocomplete(module is not null && focused is { } f ? module.Autocomplete(context, f.Name, f.Value) : []);
        }

        if (context.Type is 3 or 5)
        {
            return components.Decide(context, acknowledged);
        }

        if (context.Type != 2 || module is null)
        {
            return Ephemeral(DiscordNotices.Unsupported);
        }

        var hold = gate.TryAccept();
        if (hold is null && HandOff(context, module, acknowledged) is { } handedOff)
        {
            return handedOff;
        }

        if (hold is null)
        {
            metrics.Refused(DiscordPlatform.PlatformName, "shutting_down");
            Log.Restarting(logger, context.CommandName, context.Id);
            return Ephemeral(QuestionGate.RestartingText);
        }

        if (module.Precheck(context) is { } refusal)
        {
            hold.Dispose();
            Log.Refused(logger, context.CommandName, context.UserId);
            return Ephemeral(refusal);
        }

        var ephemeral = Private(context, module);
        var reply = new InteractionReply(delivery, context, ephemeral, streaming, rest, time, logger) { Share = ephemeral && module.Shareable };

        // A question is held from here (recorded in the background), so that another replica answers it should this one
        // die while it waits in the queue or is answered.
        reply.InFlight = module.TakeIn(context, reply);
        if (!work.TryEnqueue(QueueKey(context), hold, ct => RunAsync(context, module, reply, acknowledged, ct)))
        {
            _ = reply.InFlight?.CompleteAsync();
            hold.Dispose();
            metrics.Refused(DiscordPlatform.PlatformName, "busy");
            rejections.Rejected(DiscordPlatform.QueueName, "full (busy notice sent)");
            Log.Busy(logger, context.CommandName, context.Id);
            return Ephemeral(TurnNotice.BusyText);
        }

        return InteractionResponse.Defer(Private(context, module));
    }

    /// <summary>
    /// While this replica stops: a question (<c>/ask</c>) is not refused with "restarting" when the other replicas can
    /// take it — it is deferred as usual, claimed, and handed over once Discord has the deferral (Discord never delivers
    /// an interaction again, so this is the only way it still gets its answer). Null when it cannot be handed over (no
    /// replicas to take it, the command asks no question, the pipeline refuses it: the caller says "restarting").
    /// </summary>
    private InteractionResponse? HandOff(InteractionContext context, IDiscordCommandModule module, Task<bool> acknowledged)
    {
        if (!pipeline.CanHandOff || module.Precheck(context) is not null)
        {
            return null;
        }

        var ephemeral = Private(context, module);
        var reply = new InteractionReply(delivery, context, ephemeral, streaming, rest, time, logger) { Share = ephemeral && module.Shareable };
        if (module.TakeIn(context, reply) is not { } claim)
        {
            return null;
        }

        pipeline.HandOff(claim, acknowledged);
        return InteractionResponse.Defer(ephemeral);
    }

    /// <summary>
    /// Private when the command is, and wherever the bot cannot post itself (a user install in a server without Advisor,
    /// a private channel): Discord may turn a public response there into an ephemeral one anyway, so it is one from the start.
    /// </summary>
    internal static bool Private(InteractionContext context, IDiscordCommandModule module) => module.Ephemeral || !context.BotInChannel;

    /// <summary>The channel's lane (a DM is a channel too); the user's when no channel was sent.</summary>
    internal static string QueueKey(InteractionContext context) => context.ChannelId ?? "user:" + context.UserId;

    private async Task RunAsync(InteractionContext context, IDiscordCommandModule module, InteractionReply reply, Task<bool> acknowledged, CancellationToken ct)
    {
        var claim = reply.InFlight;
        if (!await acknowledged.WaitAsync(ct))
        {
            Log.NotAcknowledged(logger, context.CommandName, context.Id);
            await (claim?.CompleteAsync() ?? Task.CompletedTask); // nobody can answer it now
            return;
        }

        if (claim is not null && !await claim.HeldAsync())
        {
            Log.Repeat(logger, context.Id);
            return;
        }

        // A question held where every replica sees it is decided by its claim; anything else by the interaction's id.
        if (!(claim is { Shared: true } && await claim.RecordedAsync()) && !await dedupe.TryClaimAcrossReplicasAsync(Interactions, context.Id, ct))
        {
            Log.Repeat(logger, context.Id);
            await (claim?.CompleteAsync() ?? Task.CompletedTask);
            return;
        }

        try
        {
            await module.ExecuteAsync(context, reply, ct);
        }
        catch (CommandFailedException ex)
        {
            await reply.FailAsync(ex.Message, ct);
        }
        catch (OperationCanceledException) when (claim is not null && !gate.Accepting)
        {
            claim.Leave(); // stopping: another replica finishes it
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.CommandFailed(logger, context.CommandName, ex);
            await reply.FailAsync(TurnNotice.ApologyText, ct);
        }
        finally
        {
            await (claim?.CompleteAsync() ?? Task.CompletedTask); // ended by the pipeline already, unless the command failed before it
        }
    }

    private static InteractionResponse Ephemeral(string text) =>
        InteractionResponse.Message(DiscordFormatter.Text(text, ephemeral: true)[0]);

    private static partial class Log
    {
        [LoggerMessage(400, LogLevel.Information, "Discord /{Command} by {UserId} refused before running")]
        public static partial void Refused(ILogger logger, string command, string userId);

        [LoggerMessage(401, LogLevel.Error, "Discord /{Command} failed")]
        public static partial void CommandFailed(ILogger logger, string command, Exception exception);

        [LoggerMessage(403, LogLevel.Information, "Discord /{Command} (interaction {InteractionId}) arrived after shutdown began; answered with the restarting notice")]
        public static partial void Restarting(ILogger logger, string command, string interactionId);

        [LoggerMessage(404, LogLevel.Debug, "Discord /{Command} (interaction {InteractionId}) refused: the work queue is full; answered with the busy notice")]
        public static partial void Busy(ILogger logger, string command, string interactionId);

        [LoggerMessage(405, LogLevel.Warning, "Discord /{Command} (interaction {InteractionId}): Discord did not get the deferral, so the result is not sent")]
        public static partial void NotAcknowledged(ILogger logger, string command, string interactionId);

        [LoggerMessage(406, LogLevel.Debug, "Discord interaction {InteractionId} arrived again (replayed); it was answered already")]
        public static partial void Repeat(ILogger logger, string interactionId);
    }
}
