using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Insights;
using Advisor.Core.Turns;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;
using Microsoft.Extensions.Options;

namespace Advisor.Discord.Interactions;

/// <summary>
/// /ask question: a turn of the <see cref="TurnPipeline"/>. Admitted (dedupe, validation, the per-user limit) before
/// the deferral, so a refusal is an ephemeral reply rather than a public "thinking…"; answered after it in the same
/// conversation as mentions there (<see cref="DiscordConversation"/>), and kept once the answer is shown.
/// </summary>
internal sealed class AskModule(TurnPipeline pipeline, IOptions<DiscordOptions> options) : IDiscordCommandModule
{
    public bool Ephemeral { get; } = options.Value.EphemeralAnswers;

    /// <summary>Whenever its answer is private (the setting, or a user install where the bot cannot post).</summary>
    public bool Shareable => true;

    public CommandDefinition Definition => DiscordCommands.Ask;

    public string? Precheck(InteractionContext context)
    {
        var admission = pipeline.Admit(Message(context));

        // A slash command must be answered, so every refused one gets the (ephemeral) notice. (A repeat never gets
        // here — the handler answers it with the first one's response — but is not worked on twice either.)
        return admission.Status switch
        {
            AdmissionStatus.Accepted => null,
            AdmissionStatus.Repeat => "This request is being answered already.",
            _ => (admission.Notice ?? TurnNotice.Apology).Text,
        };
    }

    public Task ExecuteAsync(InteractionContext context, InteractionReply reply, CancellationToken cancellationToken) =>
        pipeline.AnswerAsync(Message(context), reply, reply.InFlight, cancellationToken);

    public Advisor.Core.Coordination.InFlightClaim? TakeIn(InteractionContext context, InteractionReply reply) => pipeline.BeginClaim(Message(context), reply);

    public IReadOnlyList<AutocompleteChoice> Autocomplete(InteractionContext context, string option, string value) => [];

    private static IncomingMessage Message(InteractionContext context) => new()
    {
        Platform = DiscordPlatform.PlatformName,
        DedupeKey = "interaction:" + context.Id,
        ConversationKey = DiscordConversation.ChannelKey(context.ChannelId ?? ""),
        PerUser = !context.IsThread && context.GuildId is not null,
        UserKey = context.UserId,
        Text = context.Option("question")?.Trim() ?? "",
        IsCommand = true,
        ReceivedAt = context.ReceivedAt,
    };
}

/// <summary>/compare role_a role_b [aspect], with role autocomplete from the catalog.</summary>
internal sealed class CompareModule(IAdvisor advisor, IOptions<DiscordOptions> options) : IDiscordCommandModule
{
    private readonly bool _v2 = options.Value.ComponentsV2;

    public bool Ephemeral { get; } = options.Value.EphemeralAnswers;

    /// <summary>Whenever its answer is private (the setting, or a user install where the bot cannot post).</summary>
    public bool Shareable => true;

    public CommandDefinition Definition => DiscordCommands.Compare;

    public string? Precheck(InteractionContext context) => null;

    public Task ExecuteAsync(InteractionContext context, InteractionReply reply, CancellationToken cancellationToken)
    {
        var outcome = advisor.Compare(context.Option("role_a") ?? "", context.Option("role_b") ?? "", context.Option("aspect"));
        if (outcome.Comparison is null)
        {
            // The core's message already says what went wrong, the closest match and the known roles.
            throw new CommandFailedException(outcome.Error ?? "Those roles cannot be compared.");
        }

        // Components V2 (one block per aspect, split over as many messages as the limits need) when it is on and no
        // single aspect is too long for a message; else the embeds.
        var message = _v2 && DiscordFormatter.ComparisonV2(outcome.Comparison) is { } v2 ? v2 : DiscordFormatter.Comparison(outcome.Comparison);
        return reply.SendAsync(message, cancellationToken);
    }

    public IReadOnlyList<AutocompleteChoice> Autocomplete(InteractionContext context, string option, string value) =>
        option is "role_a" or "role_b"
            ? advisor.SuggestRoles(value, 25)
                .Select(r => DiscordFormatter.Truncate(r.Name, 100))
                .Distinct(StringComparer.Ordinal)
                .Take(25)
                .Select(n => new AutocompleteChoice(n, n))
                .ToList()
            : [];
}

/// <summary>/roles</summary>
internal sealed class RolesModule(IAdvisor advisor) : IDiscordCommandModule
{
    public bool Ephemeral => false;

    public CommandDefinition Definition => DiscordCommands.Roles;

    public string? Precheck(InteractionContext context) => null;

    public Task ExecuteAsync(InteractionContext context, InteractionReply reply, CancellationToken cancellationToken) =>
        reply.SendAsync(DiscordFormatter.Roles(advisor.Roles()), cancellationToken);

    public IReadOnlyList<AutocompleteChoice> Autocomplete(InteractionContext context, string option, string value) => [];
}

/// <summary>/reload (guild only; Administrator, Manage Server or a configured admin role).</summary>
internal sealed class ReloadModule(IAdvisor advisor, IOptions<DiscordOptions> options) : IDiscordCommandModule
{
    private readonly HashSet<string> _adminRoles = new(options.Value.AdminRoleIds, StringComparer.Ordinal);

    public bool Ephemeral => true;

    public CommandDefinition Definition => DiscordCommands.Reload;

    public string? Precheck(InteractionContext context) =>
        context.IsAdmin(_adminRoles)
            ? null
            : "Only server admins (Administrator or Manage Server permission, or a configured admin role) can reload the knowledge.";

    public async Task ExecuteAsync(InteractionContext context, InteractionReply reply, CancellationToken cancellationToken)
    {
        var report = await advisor.ReloadAsync(cancellationToken);
        await reply.SendAsync(DiscordFormatter.Text(report.Summary(), ephemeral: true), cancellationToken);
    }

    public IReadOnlyList<AutocompleteChoice> Autocomplete(InteractionContext context, string option, string value) => [];
}

/// <summary>
/// /gaps [since] (guild only; the same admins as /reload): the knowledge gaps in the question log — what users asked
/// that the articles could not answer, grouped, largest first (<see cref="GapReport"/>) — for the caller only.
/// </summary>
internal sealed class GapsModule(IAdvisor advisor, IConversationStore store, TimeProvider time, IOptions<DiscordOptions> options) : IDiscordCommandModule
{
    /// <summary>The period read when no <c>since</c> is given.</summary>
    public const string DefaultSince = "7d";

    private readonly HashSet<string> _adminRoles = new(options.Value.AdminRoleIds, StringComparer.Ordinal);

    public bool Ephemeral => true;

    public CommandDefinition Definition => DiscordCommands.Gaps;

    public string? Precheck(InteractionContext context)
    {
        if (!context.IsAdmin(_adminRoles))
        {
            return "Only server admins (Administrator or Manage Server permission, or a configured admin role) can see the knowledge gaps.";
        }

        return Advisor.Core.Insights.GapReport.ParseSince(context.Option("since") ?? DefaultSince) is null
            ? "`since` takes a number of hours, days or weeks, e.g. 24h, 7d or 2w."
            : null;
    }

    public async Task ExecuteAsync(InteractionContext context, InteractionReply reply, CancellationToken cancellationToken)
    {
        var since = context.Option("since")?.Trim() is { Length: > 0 } s ? s : DefaultSince;
        var entries = await store.ReadLogAsync(new QuestionLogQuery { Since = time.GetUtcNow() - Advisor.Core.Insights.GapReport.ParseSince(since)!.Value, Limit = 100_000 }, cancellationToken);
        var gaps = GapReport.Build(entries, advisor.Knowledge);
        await reply.SendAsync(DiscordFormatter.Text(GapReport.ToText(gaps, entries.Count, since), ephemeral: true), cancellationToken);
    }

    public IReadOnlyList<AutocompleteChoice> Autocomplete(InteractionContext context, string option, string value) => [];

}
