using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;
using Microsoft.Extensions.Options;

namespace Advisor.Discord.Interactions;

/// <summary>/ask question</summary>
internal sealed class AskModule(IAdvisor advisor, ConversationMemory memory, UserRateLimiter limiter, AdvisorMetrics metrics) : IDiscordCommandModule
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
        if (QuestionValidation.Problem(context.Option("question")) is { } problem)
        {
            return problem;
        }

        // A slash command must be answered, so every refused one gets the (ephemeral) notice.
        if (limiter.TryAcquire("discord:" + context.UserId, out var retryAfter))
        {
            return null;
        }

        metrics.Refused("discord", "rate_limited");
        return limiter.Refusal(retryAfter);
    }

    public async Task<IReadOnlyList<DiscordMessagePayload>> ExecuteAsync(InteractionContext context, CancellationToken cancellationToken)
    {
        var question = context.Option("question")!.Trim();
        var key = DiscordConversation.Key(context.ChannelId ?? "", context.UserId, shared: context.IsThread || context.GuildId is null);
        Answer answer;
        try
        {
            answer = await advisor.AskAsync(new AdvisorQuestion(question, memory.History(key), "discord", key, context.UserId), cancellationToken);
        }
        catch (InvalidQuestionException ex)
        {
            throw new CommandFailedException(ex.Message);
        }

        memory.Append(key, new ConversationTurn(question, answer));
        return DiscordFormatter.Answer(answer);
    }

    public IReadOnlyList<AutocompleteChoice> Autocomplete(InteractionContext context, string option, string value) => [];
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

    public Task<IReadOnlyList<DiscordMessagePayload>> ExecuteAsync(InteractionContext context, CancellationToken cancellationToken)
    {
        var outcome = advisor.Compare(context.Option("role_a") ?? "", context.Option("role_b") ?? "", context.Option("aspect"));
        if (outcome.Comparison is null)
        {
            // The core's message already says what went wrong, the closest match and the known roles.
            throw new CommandFailedException(outcome.Error ?? "Those roles cannot be compared.");
        }

        return Task.FromResult(DiscordFormatter.Comparison(outcome.Comparison));
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

    public Task<IReadOnlyList<DiscordMessagePayload>> ExecuteAsync(InteractionContext context, CancellationToken cancellationToken) =>
        Task.FromResult(DiscordFormatter.Roles(advisor.Roles()));

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
        DefaultMemberPermissions = (InteractionContext.AdministratorBit | InteractionContext.ManageGuildBit).ToString(System.Globalization.CultureInfo.InvariantCulture),
        Contexts = [0],
    };

    public string? Precheck(InteractionContext context) =>
        context.IsAdmin(_adminRoles)
            ? null
            : "Only server admins (Administrator or Manage Server permission, or a configured admin role) can reload the knowledge.";

    public async Task<IReadOnlyList<DiscordMessagePayload>> ExecuteAsync(InteractionContext context, CancellationToken cancellationToken)
    {
        var report = await advisor.ReloadAsync(cancellationToken);
        return DiscordFormatter.Text(report.Summary(), ephemeral: true);
    }

    public IReadOnlyList<AutocompleteChoice> Autocomplete(InteractionContext context, string option, string value) => [];
}
