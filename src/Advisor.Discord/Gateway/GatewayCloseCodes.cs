namespace Advisor.Discord.Gateway;

/// <summary>What a gateway close code means for the client.</summary>
internal static class GatewayCloseCodes
{
    /// <summary>The user-facing cause of a close code that must never be retried, else null.</summary>
    public static string? Fatal(int code) => code switch
    {
        4004 => "4004 authentication failed: the bot token (Advisor:Discord:Token) is invalid or was reset",
        4010 => "4010 invalid shard: Discord refused the shard id or total; check Advisor:Discord:ShardCount and ShardIds (or leave them unset to use the total GET /gateway/bot recommends)",
        4011 => "4011 sharding required: the bot is in too many guilds for this many shards; raise Advisor:Discord:ShardCount, or leave it unset and restart every replica so they take the total GET /gateway/bot now recommends",
        4012 => "4012 invalid API version",
        4013 => "4013 invalid intents: Advisor:Discord:Intents is not a valid intents bitfield",
        4014 => "4014 disallowed intents: a privileged intent in Advisor:Discord:Intents is not enabled for this application; "
            + "turn on 'Message Content Intent' under Developer Portal → your application → Bot → Privileged Gateway Intents, "
            + "or remove 32768 (MESSAGE_CONTENT) from Advisor:Discord:Intents",
        _ => null,
    };

    /// <summary>Codes after which the session cannot be resumed (a fresh IDENTIFY follows).</summary>
    public static bool NeedsNewSession(int code) => code is 4007 or 4009;

    public static string Describe(int? code) => code switch
    {
        null => "connection dropped",
        4000 => "4000 unknown error",
        4001 => "4001 unknown opcode",
        4002 => "4002 decode error",
        4003 => "4003 not authenticated",
        4005 => "4005 already authenticated",
        4007 => "4007 invalid seq",
        4008 => "4008 rate limited",
        4009 => "4009 session timed out",
        _ => Fatal(code.Value) ?? code.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
