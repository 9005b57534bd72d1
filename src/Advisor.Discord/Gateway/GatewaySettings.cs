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

    /// <summary>
    /// The first reconnect backoff. It doubles (up to the maximum) after every connection that ends without reaching
    /// READY or RESUMED, and resets only when one does.
    /// </summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest payload the client sends (Discord closes with 4002 above 4096 bytes).</summary>
    public int MaxPayloadBytes { get; set; } = 4096;

    /// <summary>How many dispatches (answers, commands) run at once.</summary>
    public int DispatchWorkers { get; set; } = 8;

    /// <summary>Dispatches waiting for a worker; when full, the receive loop waits (nothing is dropped).</summary>
    public int DispatchQueueCapacity { get; set; } = 512;

    /// <summary>On shutdown, how long queued and running dispatches may take to finish before they are cancelled.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
