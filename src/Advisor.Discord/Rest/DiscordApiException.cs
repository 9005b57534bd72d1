namespace Advisor.Discord.Rest;

/// <summary>A Discord REST call that failed; <see cref="Code"/> is Discord's JSON error code when it sent one.</summary>
public class DiscordApiException(int status, int? code, string message, Exception? inner = null) : Exception(message, inner)
{
    public int Status { get; } = status;

    public int? Code { get; } = code;
}

/// <summary>Discord rejected the bot token (HTTP 401); the adapter stops.</summary>
public sealed class DiscordUnauthorizedException(string message) : DiscordApiException(401, null, message);

/// <summary>Discord did not answer within the HTTP client's timeout (Status 0: no response).</summary>
public sealed class DiscordTimeoutException(string message, Exception inner) : DiscordApiException(0, null, message, inner);
