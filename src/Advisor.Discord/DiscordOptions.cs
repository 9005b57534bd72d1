using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Advisor.Discord;

/// <summary>Settings under "Advisor:Discord".</summary>
public sealed class DiscordOptions : IValidatableObject
{
    public const string SectionName = "Advisor:Discord";

    /// <summary>GUILDS (1) | GUILD_MESSAGES (512) | DIRECT_MESSAGES (4096).</summary>
    public const int DefaultIntents = 1 | 512 | 4096;

    /// <summary>The bot token (Developer Portal → Bot → Reset Token).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Advisor:Discord:Token is required: the bot token from the Developer Portal (Bot → Reset Token).")]
    public string Token { get; set; } = "";

    /// <summary>The application id (a snowflake).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Advisor:Discord:ApplicationId is required: the application id from the Developer Portal (General Information).")]
    [RegularExpression("^[0-9]{1,20}$", ErrorMessage = "Advisor:Discord:ApplicationId must be a numeric snowflake id.")]
    public string ApplicationId { get; set; } = "";

    /// <summary>The application's Ed25519 public key, hex (needed for the HTTP interactions endpoint).</summary>
    [RegularExpression("^[0-9a-fA-F]{64}$", ErrorMessage = "Advisor:Discord:PublicKey must be the 64 hex characters shown as Public Key in the Developer Portal.")]
    public string? PublicKey { get; set; }

    /// <summary>A development guild: commands are registered there (instantly) instead of globally.</summary>
    [RegularExpression("^[0-9]{1,20}$", ErrorMessage = "Advisor:Discord:GuildId must be a numeric snowflake id.")]
    public string? GuildId { get; set; }

    /// <summary>Role ids whose members may run /reload besides Administrators and Manage Server holders.</summary>
    public List<string> AdminRoleIds { get; set; } = [];

    /// <summary>Gateway intents (default 4609 = GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES; add 32768 for thread follow-ups without a mention).</summary>
    [Range(0, int.MaxValue, ErrorMessage = "Advisor:Discord:Intents must be a non-negative intents bitfield.")]
    public int Intents { get; set; } = DefaultIntents;

    /// <summary>False runs interactions-only (HTTP endpoint), with no gateway connection.</summary>
    public bool UseGateway { get; set; } = true;

    /// <summary>The REST base URL including the version.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Advisor:Discord:ApiBaseUrl must not be empty.")]
    [Url(ErrorMessage = "Advisor:Discord:ApiBaseUrl must be an absolute http(s) URL such as https://discord.com/api/v10.")]
    public string ApiBaseUrl { get; set; } = "https://discord.com/api/v10";

    /// <summary>Open a thread for the answer to each question asked in a (non-thread) channel.</summary>
    public bool CreateThreads { get; set; }

    /// <summary>
    /// The number of shards every replica runs. Unset (the default): Discord's recommendation, <c>shards</c> from
    /// <c>GET /gateway/bot</c>, agreed among the replicas (the first replica to start fixes it for the others, see
    /// docs/discord.md). Set it for a fixed layout; required with <see cref="ShardIds"/> or <see cref="ShardId"/>.
    /// </summary>
    [Range(1, 65536, ErrorMessage = "Advisor:Discord:ShardCount must be between 1 and 65536 (or unset: the total from GET /gateway/bot).")]
    public int? ShardCount { get; set; }

    /// <summary>
    /// A pinned shard set: this replica runs only these shard ids (still claimed through the lease store, so two
    /// replicas pinned to the same id never run it at once; the second is its standby). Empty (the default): any shard,
    /// spread over the live replicas.
    /// </summary>
    public List<int> ShardIds { get; set; } = [];

    /// <summary>One pinned shard id, kept from the one-shard-per-process layout: the same as <c>ShardIds</c> = [ShardId].</summary>
    [Range(0, 65535, ErrorMessage = "Advisor:Discord:ShardId must be between 0 and 65535.")]
    public int? ShardId { get; set; }

    /// <summary>
    /// How long a shard lease lasts without renewal, in seconds (default 20). A replica renews every third of it and
    /// closes a shard it could not renew a quarter of it before the lease could end; a dead replica's shards are taken
    /// over within this plus <see cref="ShardClaimSeconds"/>.
    /// </summary>
    [Range(2.0, 3600.0, ErrorMessage = "Advisor:Discord:ShardLeaseSeconds must be between 2 and 3600.")]
    public double ShardLeaseSeconds { get; set; } = 20;

    /// <summary>How often a replica looks for shards to claim and renews its replica heartbeat, in seconds (default 5).</summary>
    [Range(0.1, 600.0, ErrorMessage = "Advisor:Discord:ShardClaimSeconds must be between 0.1 and 600.")]
    public double ShardClaimSeconds { get; set; } = 5;

    /// <summary>The pinned shard ids (<see cref="ShardIds"/> and <see cref="ShardId"/>), sorted; empty when not pinned.</summary>
    internal IReadOnlyList<int> PinnedShards =>
        (ShardId is { } one ? ShardIds.Append(one) : ShardIds).Distinct().Order().ToList();

    /// <summary>Questions and commands worked on at once (at most one per channel).</summary>
    [Range(1, 256, ErrorMessage = "Advisor:Discord:Workers must be between 1 and 256.")]
    public int Workers { get; set; } = 8;

    /// <summary>Questions and commands accepted and not yet answered, in all; beyond it, new ones get a "busy" reply.</summary>
    [Range(1, 100_000, ErrorMessage = "Advisor:Discord:QueueCapacity must be between 1 and 100000.")]
    public int QueueCapacity { get; set; } = 512;

    /// <summary>Questions and commands waiting in one channel; beyond it, new ones there get a "busy" reply.</summary>
    [Range(1, 100_000, ErrorMessage = "Advisor:Discord:QueuePerChannel must be between 1 and 100000.")]
    public int QueuePerChannel { get; set; } = 32;

    /// <summary>
    /// The largest request body the HTTP interactions endpoint reads (default 128 KiB). Larger ones get 413 without
    /// being read. Interactions for Advisor's commands are a few KB (an /ask of 4,000 characters is under 25 KB even
    /// with every character escaped).
    /// </summary>
    [Range(4096, 1 << 20, ErrorMessage = "Advisor:Discord:MaxInteractionBodyBytes must be between 4096 and 1048576.")]
    public int MaxInteractionBodyBytes { get; set; } = 128 * 1024;

    /// <summary>
    /// Show a model-written answer while it is written, by editing its message (default: on when a model is configured,
    /// <c>Advisor:Model:Provider</c> other than "none"; the extractive default answers at once and never streams).
    /// </summary>
    public bool? StreamAnswers { get; set; }

    /// <summary>
    /// The least time between two edits of a streamed answer, in milliseconds (default 1200). The REST client also
    /// waits whatever Discord's X-RateLimit-* headers and 429 <c>retry_after</c> ask for.
    /// </summary>
    [Range(250, 60_000, ErrorMessage = "Advisor:Discord:StreamEditIntervalMs must be between 250 and 60000.")]
    public int StreamEditIntervalMs { get; set; } = 1200;

    /// <summary>
    /// /ask and /compare answer privately (flag 64, only the asker sees it) with a "Share" button that posts the same
    /// answer in the channel (default true). False answers them publicly, as mentions are.
    /// </summary>
    public bool EphemeralAnswers { get; set; } = true;

    /// <summary>
    /// /compare as Components V2 (a container with one block per aspect and its citations; default true). It falls back
    /// to embeds when a comparison would pass V2's limits (40 components, 4,000 characters of text), or when this is false.
    /// </summary>
    public bool ComponentsV2 { get; set; } = true;

    /// <summary>True when the configuration has an "Advisor:Discord" section (the host adds the adapter only then).</summary>
    public static bool IsConfigured(IConfiguration configuration) => configuration.GetSection(SectionName).Exists();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var pinned = PinnedShards;
        if (pinned.Count > 0 && ShardCount is null)
        {
            yield return new ValidationResult("Advisor:Discord:ShardIds (or ShardId) pins this replica to fixed shards, so Advisor:Discord:ShardCount must be set too: the shard total every replica uses.", [nameof(ShardCount)]);
        }

        foreach (var id in pinned)
        {
            if (id < 0 || (ShardCount is { } count && id >= count))
            {
                yield return new ValidationResult($"Advisor:Discord:ShardIds holds {id}, which is not a shard id below Advisor:Discord:ShardCount ({ShardCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unset"}).", [nameof(ShardIds)]);
            }
        }

        if (ShardClaimSeconds * 3 > ShardLeaseSeconds)
        {
            yield return new ValidationResult($"Advisor:Discord:ShardClaimSeconds ({ShardClaimSeconds:0.###}) must be at most a third of Advisor:Discord:ShardLeaseSeconds ({ShardLeaseSeconds:0.###}): the replica heartbeat is renewed every claim interval and must not lapse.", [nameof(ShardClaimSeconds)]);
        }

        if (!UseGateway && string.IsNullOrEmpty(PublicKey))
        {
            yield return new ValidationResult("Advisor:Discord:PublicKey is required when Advisor:Discord:UseGateway is false (interactions arrive only over the signed HTTP endpoint).", [nameof(PublicKey)]);
        }

        foreach (var id in AdminRoleIds)
        {
            if (!ulong.TryParse(id, out _))
            {
                yield return new ValidationResult($"Advisor:Discord:AdminRoleIds holds '{id}', which is not a numeric role id.", [nameof(AdminRoleIds)]);
            }
        }
    }
}
