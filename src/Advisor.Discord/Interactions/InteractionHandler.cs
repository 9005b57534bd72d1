using Advisor.Core.Conversations;
using System.Text.Json;
using Advisor.Discord.Gateway;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;
using Microsoft.Extensions.Logging;

namespace Advisor.Discord.Interactions;

/// <summary>
/// Routes interactions (from the gateway or the HTTP endpoint) to command modules: PING → PONG, autocomplete answered
/// at once, commands deferred first and the deferred message edited with the result; errors ephemeral.
/// </summary>
internal sealed partial class InteractionHandler(
    IEnumerable<IDiscordCommandModule> modules,
    DiscordRestClient rest,
    ILogger<InteractionHandler> logger) : IGatewayDispatchHandler
{
    private readonly Dictionary<string, IDiscordCommandModule> _modules = modules.ToDictionary(m => m.Definition.Name, StringComparer.Ordinal);
    private readonly RecentKeys _seen = new(TimeProvider.System, TimeSpan.FromHours(1), 10_000);

    public bool Handles(string eventName) => eventName == "INTERACTION_CREATE";

    public Task HandleAsync(string eventName, JsonElement data, CancellationToken cancellationToken) =>
        ProcessAsync(data, response => rest.CreateInteractionResponseAsync(data.Str("id") ?? "", data.Str("token") ?? "", response, cancellationToken), cancellationToken);

    /// <summary>Handles one interaction; <paramref name="acknowledge"/> sends the initial response (callback or HTTP reply).</summary>
    public async Task ProcessAsync(JsonElement interaction, Func<InteractionResponse, Task> acknowledge, CancellationToken ct)
    {
        var type = interaction.Int("type");
        if (type == 1)
        {
            await acknowledge(InteractionResponse.Pong);
            return;
        }

        var context = InteractionContext.From(interaction);
        if (context.Id.Length > 0 && !_seen.TryClaim(context.Id))
        {
            return;
        }

        _modules.TryGetValue(context.CommandName, out var module);
        if (type == 4)
        {
            var focused = context.Focused();
            var choices = module is not null && focused is { } f ? module.Autocomplete(context, f.Name, f.Value) : [];
            await TryAcknowledgeAsync(context, acknowledge, InteractionResponse.Autocomplete(choices));
            return;
        }

        if (type != 2 || module is null)
        {
            await TryAcknowledgeAsync(context, acknowledge, Ephemeral("This command is not supported by this bot (anymore)."));
            return;
        }

        if (module.Precheck(context) is { } refusal)
        {
            Log.Refused(logger, context.CommandName, context.UserId);
            await TryAcknowledgeAsync(context, acknowledge, Ephemeral(refusal));
            return;
        }

        if (!await TryAcknowledgeAsync(context, acknowledge, InteractionResponse.Defer(module.Ephemeral)))
        {
            return;
        }

        try
        {
            var messages = await module.ExecuteAsync(context, ct);
            await rest.EditOriginalResponseAsync(context.Token, messages[0], ct);
            foreach (var more in messages.Skip(1))
            {
                await rest.CreateFollowupAsync(context.Token, module.Ephemeral ? more with { Flags = DiscordMessagePayload.EphemeralFlag } : more, ct);
            }
        }
        catch (CommandFailedException ex)
        {
            await FailAsync(context, module, ex.Message, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.CommandFailed(logger, context.CommandName, ex);
            await FailAsync(context, module, $"Sorry, /{context.CommandName} failed. Please try again in a moment.", ct);
        }
    }

    private async Task FailAsync(InteractionContext context, IDiscordCommandModule module, string message, CancellationToken ct)
    {
        try
        {
            if (!module.Ephemeral)
            {
                // The deferral was public; errors are for the caller only, so the public placeholder goes away.
                await rest.DeleteOriginalResponseAsync(context.Token, ct);
            }

            foreach (var part in DiscordFormatter.Text(message, ephemeral: true))
            {
                await rest.CreateFollowupAsync(context.Token, part, ct);
            }
        }
        catch (DiscordApiException ex)
        {
            Log.ResponseFailed(logger, context.CommandName, ex.Message);
        }
    }

    private async Task<bool> TryAcknowledgeAsync(InteractionContext context, Func<InteractionResponse, Task> acknowledge, InteractionResponse response)
    {
        try
        {
            await acknowledge(response);
            return true;
        }
        catch (DiscordApiException ex)
        {
            Log.ResponseFailed(logger, context.CommandName, ex.Message);
            return false;
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

        [LoggerMessage(402, LogLevel.Warning, "Discord /{Command}: responding to the interaction failed: {Error}")]
        public static partial void ResponseFailed(ILogger logger, string command, string error);
    }
}
