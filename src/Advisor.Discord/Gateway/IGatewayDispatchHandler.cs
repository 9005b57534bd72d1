using System.Text.Json;

namespace Advisor.Discord.Gateway;

/// <summary>Receives gateway dispatches (op 0) by event name.</summary>
internal interface IGatewayDispatchHandler
{
    bool Handles(string eventName);

    /// <summary>
    /// Takes one dispatch, on the gateway's receive loop: decides at once, without waiting on I/O (which would hold up
    /// the heartbeat ACKs behind it), and queues any work (the platform's <c>PlatformWorkQueue</c>).
    /// </summary>
    void Accept(string eventName, JsonElement data);
}

/// <summary>Who the bot is, learned from READY (or configured for interactions-only mode).</summary>
internal sealed class DiscordIdentity
{
    public string? BotUserId { get; set; }
}
