namespace Advisor.Discord.Gateway;

/// <summary>Gateway timings that are protocol facts in production and shortened in tests.</summary>
internal sealed class GatewaySettings
{
    /// <summary>Events per window the client allows itself (Discord closes the socket above 120 per 60 s).</summary>
    public int OutboundLimit { get; set; } = 110;

    public TimeSpan OutboundWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The courtesy wait range before a fresh IDENTIFY after op 9 (Discord used to ask for 1–5 s).</summary>
    public TimeSpan InvalidSessionDelayMin { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan InvalidSessionDelayMax { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Backoff after a failed connection attempt (doubled up to the maximum).</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest payload the client sends (Discord closes with 4002 above 4096 bytes).</summary>
    public int MaxPayloadBytes { get; set; } = 4096;
}
