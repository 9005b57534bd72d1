namespace Advisor.Testing.Discord;

/// <summary>
/// A per-route limit the emulator reports in X-RateLimit-* headers: <see cref="Limit"/> requests per <see cref="Window"/>
/// for each bucket + top-level resource (channel, or webhook + token). Discord publishes no edit figures (BRIEF-2 D12);
/// the default, 5 per 5 s, is what its headers commonly show for message routes.
/// </summary>
public readonly record struct DiscordRateLimit(int Limit, TimeSpan Window);
