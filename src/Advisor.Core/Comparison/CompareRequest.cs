using System.Text.RegularExpressions;
using Advisor.Core.Retrieval;

namespace Advisor.Core.Comparison;

/// <summary>
/// Reads a one-line comparison request as chat users type it: "AI Architect vs AI Scientist skills",
/// "MLRE and AI Scientist", "AI Architect vs. AI Scientist --aspect education".
/// </summary>
public static partial class CompareRequest
{
    public static bool TryParse(string text, out string roleA, out string roleB, out string? aspect)
    {
        roleA = roleB = "";
        aspect = null;
        var m = Shape().Match(text.Trim());
        if (!m.Success)
        {
            return false;
        }

        roleA = m.Groups["a"].Value.Trim();
        var right = m.Groups["b"].Value.Trim();
        var flag = AspectFlag().Match(right);
        if (flag.Success)
        {
            aspect = flag.Groups["aspect"].Value.Trim();
            right = right[..flag.Index].Trim();
        }
        else
        {
            // A trailing aspect word: "AI Scientist skills", "AI Scientist on education".
            var words = right.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var take = 1; take <= Math.Min(2, words.Length - 1); take++)
            {
                var tail = string.Join(' ', words[^take..]);
                if (AspectLexicon.Resolve(tail) is not null)
                {
                    aspect = tail;
                    right = string.Join(' ', words[..^take]);
                    right = TrailingJoiner().Replace(right, "");
                    break;
                }
            }
        }

        roleB = right.Trim();
        return roleA.Length > 0 && roleB.Length > 0;
    }

    [GeneratedRegex(@"^(?:compare\s+)?(?<a>.+?)\s+(?:vs\.?|versus|and|with|to|against|or)\s+(?<b>.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex Shape();

    [GeneratedRegex(@"\s*(?:--aspect[= ]|aspect[:=]\s*|\|)\s*(?<aspect>.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex AspectFlag();

    [GeneratedRegex(@"\s+(?:on|by|for|in|regarding|about)$", RegexOptions.IgnoreCase)]
    private static partial Regex TrailingJoiner();
}
