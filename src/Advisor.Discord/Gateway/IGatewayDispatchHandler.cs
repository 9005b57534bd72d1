using System.Text.Json;

namespace Advisor.Discord.Gateway;

/// <summary>Receives gateway dispatches (op 0) by event name; handlers run off the receive loop.</summary>
internal interface IGatewayDispatchHandler
{
    bool Handles(string eventName);

    Task HandleAsync(string eventName, JsonElement data, CancellationToken cancellationToken);
}

/// <summary>Who the bot is, learned from READY (or configured for interactions-only mode).</summary>
internal sealed class DiscordIdentity
{
    public string? BotUserId { get; set; }
}
