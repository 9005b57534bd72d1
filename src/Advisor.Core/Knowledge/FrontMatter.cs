using System.Text.RegularExpressions;

namespace Advisor.Core.Knowledge;

/// <summary>
/// Optional front matter at the top of a knowledge file:
/// <code>
/// ---
/// title: AI Architect vs. Machine Learning Research Engineer
/// source: https://example.org/article
/// role: Prompt Engineer
/// aliases:
///   AI Architect: architect, solutions architect
/// ---
/// </code>
/// <c>role</c> says the article is about that one role (every section is then about it).
/// </summary>
internal sealed partial record FrontMatter(string? Title, string? Source, IReadOnlyDictionary<string, IReadOnlyList<string>> Aliases, string? Role = null)
{
    public static readonly FrontMatter Empty = new(null, null, new Dictionary<string, IReadOnlyList<string>>()) { Found = false };

    /// <summary>True when the file starts with a front-matter block (even an empty one).</summary>
    public bool Found { get; private init; } = true;

    /// <summary>Lines of the file the front matter took, the "---" lines included (0 when there is none).</summary>
    public int LineCount { get; private init; }

    /// <summary>Splits front matter off the lines; throws <see cref="FormatException"/> when it is malformed.</summary>
    public static FrontMatter Extract(List<string> lines)
    {
        var first = lines.FindIndex(l => l.Trim().Length > 0);
        if (first < 0 || lines[first].Trim() != "---")
        {
            return Empty;
        }

        var end = lines.FindIndex(first + 1, l => l.Trim() is "---" or "...");
        if (end < 0)
        {
            throw new FormatException($"front matter opened on line {first + 1} is never closed with '---'");
        }

        string? title = null, source = null, role = null;
        var aliases = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var inAliases = false;
        for (var i = first + 1; i < end; i++)
        {
            var raw = lines[i];
            if (raw.Trim().Length == 0 || raw.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"front matter line {i + 1} is not 'key: value': '{raw.Trim()}'");
            }

            var key = raw[..colon].Trim();
            var value = raw[(colon + 1)..].Trim().Trim('"', '\'');
            var indented = raw.Length > 0 && char.IsWhiteSpace(raw[0]);
            if (indented && inAliases)
            {
                aliases[key] = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                continue;
            }

            inAliases = false;
            switch (key.ToLowerInvariant())
            {
                case "title":
                    title = value.Length > 0 ? value : null;
                    break;
                case "source" or "source_url" or "url":
                    source = value.Length > 0 ? value : null;
                    break;
                case "aliases" or "roles":
                    inAliases = true;
                    break;
                case "role":
                    role = role is null ? RoleValue(value, i + 1) : throw new FormatException($"front matter line {i + 1} gives 'role' a second time; an article is about one role at most");
                    break;
                default:
                    break; // unknown keys are allowed and ignored
            }
        }

        lines.RemoveRange(0, end + 1);
        return new FrontMatter(title, source, aliases, role) { LineCount = end + 1 };
    }

    /// <summary>The one role a 'role:' line names; throws with the line number when it names none or several.</summary>
    private static string RoleValue(string value, int lineNumber)
    {
        if (TextTools.Words(value).Count == 0)
        {
            throw new FormatException($"front matter line {lineNumber}: 'role' needs the name of the role the article is about, e.g. 'role: Data Analyst'");
        }

        if (value.IndexOfAny([',', ';']) >= 0 || SeveralRoles().IsMatch(value))
        {
            throw new FormatException($"front matter line {lineNumber}: 'role' names one role, but '{value}' reads as several; an article about several roles says so in its title ('A vs. B') or with a heading per role");
        }

        return value;
    }

    [GeneratedRegex(@"\s(?:vs\.?|versus)\s", RegexOptions.IgnoreCase)]
    private static partial Regex SeveralRoles();
}
