namespace Advisor.Discord.Gateway;

/// <summary>The adapter's timings (gateway, delivery, shutdown): protocol facts or sensible values in production, shortened in tests.</summary>
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

    /// <summary>
    /// When the adapter stops, how long queued and running work may still take to finish before it is cancelled. (The
    /// host has already waited for every accepted question's reply by then, within its shutdown timeout.)
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Sends of one reply at most (the delivery policy; see <c>DiscordDelivery</c>).</summary>
    public int DeliveryAttempts { get; set; } = 3;

    /// <summary>The wait before a reply's second attempt; doubled for each further one.</summary>
    public TimeSpan DeliveryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>At most one "busy, ask again" reply per channel in this time (the other refused messages get none).</summary>
    public TimeSpan BusyNoticeInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Discord lets each identify bucket (shard_id % max_concurrency) identify once per this time.</summary>
    public TimeSpan IdentifyWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Added to <see cref="IdentifyWindow"/> so network jitter between two replicas' identifies cannot bring them closer than it.</summary>
    public TimeSpan IdentifySlack { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long an identify turn is held while its connection opens and says HELLO; the turn is then confirmed for
    /// <see cref="IdentifyWindow"/> from the IDENTIFY (or given back when the connection failed).
    /// </summary>
    public TimeSpan IdentifyConnectAllowance { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a shard waiting for its identify bucket asks again (one waiter per bucket per replica asks).</summary>
    public TimeSpan IdentifyPoll { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How old the coordinator's GET /gateway/bot may be for a shard's first IDENTIFY to use it instead of asking again.</summary>
    public TimeSpan GatewayBotReuse { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long closing a shard's connection may take (the close handshake) before it is cut. Kept well inside the
    /// lease margin (a quarter of <c>ShardLeaseSeconds</c>; see docs/discord.md).
    /// </summary>
    public TimeSpan ShardCloseTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
