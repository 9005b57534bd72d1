using System.Globalization;
using Advisor.Core;
using Advisor.Core.Answers;

namespace Advisor.Discord.Interactions;

/// <summary>
/// The slash commands as registered: one table that the <see cref="CommandRegistrar"/> PUTs and
/// <c>advisor manifest discord</c> prints. Every command can be installed to a server (0) or to a user's account (1)
/// and used in servers, the bot's DM and private channels — except the admin commands, which exist only in servers
/// that installed Advisor.
/// </summary>
internal static class DiscordCommands
{
    /// <summary>Guild install and user install.</summary>
    public static readonly IReadOnlyList<int> Everywhere = [0, 1];

    /// <summary>A guild, the bot's DM, a private channel.</summary>
    public static readonly IReadOnlyList<int> AllContexts = [0, 1, 2];

    /// <summary>
    /// Manage Server (1 &lt;&lt; 5): Discord shows a command to members who have every bit of the set and Administrator
    /// implies them all, so this one bit lets both see it ("40", Administrator | Manage Server, would hide it from Manage
    /// Server alone).
    /// </summary>
    public static readonly string AdminPermissions = InteractionContext.ManageGuildBit.ToString(CultureInfo.InvariantCulture);

    public static CommandDefinition Ask { get; } = new()
    {
        Name = "ask",
        Description = "Ask the career advisor a question",
        Options = [new CommandOption("question", "Your question", 3, Required: true, MaxLength: AdvisorQuestion.MaxLength)],
    };

    public static CommandDefinition Compare { get; } = new()
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

    public static CommandDefinition Roles { get; } = new() { Name = "roles", Description = "List the roles the advisor knows about" };

    public static CommandDefinition Reload { get; } = Admin(new()
    {
        Name = "reload",
        Description = "Reload the knowledge folder (admins only)",
    });

    public static CommandDefinition Gaps { get; } = Admin(new()
    {
        Name = "gaps",
        Description = "What users asked that the knowledge could not answer (admins only)",
        Options = [new CommandOption("since", "How far back: 24h, 7d (default), 2w", 3, MaxLength: 8)],
    });

    /// <summary>Every command, in registration order.</summary>
    public static IReadOnlyList<CommandDefinition> All { get; } = [Ask, Compare, Roles, Reload, Gaps];

    /// <summary>An admin command: installed with the server only, used in the server only, shown to Manage Server holders.</summary>
    private static CommandDefinition Admin(CommandDefinition command) => command with
    {
        DefaultMemberPermissions = AdminPermissions,
        IntegrationTypes = [0],
        Contexts = [0],
    };
}
