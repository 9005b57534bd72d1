using Advisor.Core;
using Advisor.Core.Answers;
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
internal sealed class AskModule(TurnPipeline pipeline) : IDiscordCommandModule
{
    public bool Ephemeral => false;

    public CommandDefinition Definition { get; } = new()
    {
        Name = "ask",
        Description = "Ask the career advisor a question",
        Options = [new CommandOption("question", "Your question", 3, Required: true, MaxLength: AdvisorQuestion.MaxLength)],
    };

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
        pipeline.AnswerAsync(Message(context), reply, cancellationToken);

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
internal sealed class CompareModule(IAdvisor advisor) : IDiscordCommandModule
{
    public bool Ephemeral => false;

    public CommandDefinition Definition { get; } = new()
    {
        Name = "compare",
        Description = "Compare two roles aspect by aspect",
        Options =
        [
            new CommandOption("role_a", "First role", 3, Required: true, Autocomplete: true),
            new CommandOption("role_b", "Second role", 3, Required: true, Autocomplete: true),
            new CommandOption("aspect", "Only this aspect (e.g. skills, education)", 3, MaxLength: 100),
        ],
    };

    public string? Precheck(InteractionContext context) => null;

    public Task ExecuteAsync(InteractionContext context, InteractionReply reply, CancellationToken cancellationToken)
    {
        var outcome = advisor.Compare(context.Option("role_a") ?? "", context.Option("role_b") ?? "", context.Option("aspect"));
        if (outcome.Comparison is null)
        {
            // The core's message already says what went wrong, the closest match and the known roles.
            throw new CommandFailedException(outcome.Error ?? "Those roles cannot be compared.");
        }

        return reply.SendAsync(DiscordFormatter.Comparison(outcome.Comparison), cancellationToken);
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

    public CommandDefinition Definition { get; } = new() { Name = "roles", Description = "List the roles the advisor knows about" };

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

    public CommandDefinition Definition { get; } = new()
    {
        Name = "reload",
        Description = "Reload the knowledge folder (admins only)",
        // Discord shows the command to members who have every bit of the set; Administrator implies all of them, so Manage
        // Server alone lets both see it (Administrator | Manage Server, "40", would hide it from Manage Server alone).
        DefaultMemberPermissions = InteractionContext.ManageGuildBit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Contexts = [0],
    };

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
