using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Advisor.Slack;

/// <summary>
/// The slash commands' names, under "Advisor:Slack:Commands" (defaults /ask, /compare, /roles, /reload, /gaps). Generic
/// names collide with other apps in a workspace, so a workspace can set e.g. /advisor-ask. The handler dispatches by
/// these names and the manifest (<see cref="SlackManifest"/>) declares them.
/// </summary>
public sealed partial class SlackCommandNames
{
    public string Ask { get; set; } = "/ask";

    public string Compare { get; set; } = "/compare";

    public string Roles { get; set; } = "/roles";

    public string Reload { get; set; } = "/reload";

    public string Gaps { get; set; } = "/gaps";

    /// <summary>(setting key, name) for each command, in the order the manifest lists them.</summary>
    public IReadOnlyList<(string Key, string Name)> All =>
        [(nameof(Ask), Ask), (nameof(Compare), Compare), (nameof(Roles), Roles), (nameof(Reload), Reload), (nameof(Gaps), Gaps)];

    /// <summary>
    /// Slack's rules for a command name, as its manifest schema states them: a leading slash, 2 to 32 characters,
    /// lowercase, no spaces; and the five must differ.
    /// </summary>
    public IEnumerable<ValidationResult> Validate()
    {
        foreach (var (key, name) in All)
        {
            if (name is null || !NamePattern().IsMatch(name))
            {
                yield return new ValidationResult(
                    $"Advisor:Slack:Commands:{key} must be a lowercase command name with a leading slash, 2 to 32 characters, "
                    + $"letters, digits, '-' or '_' (e.g. /advisor-{key.ToLowerInvariant()}); got \"{name}\".",
                    [$"Commands.{key}"]);
            }
        }

        var duplicates = All.GroupBy(c => c.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
        foreach (var duplicate in duplicates)
        {
            yield return new ValidationResult(
                $"Advisor:Slack:Commands: {string.Join(" and ", duplicate.Select(c => c.Key))} are both \"{duplicate.Key}\"; each command needs its own name.",
                ["Commands"]);
        }
    }

    [GeneratedRegex("^/[a-z0-9_\\-]{1,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
