using System.Text.RegularExpressions;

namespace Advisor.Core.Knowledge;

/// <summary>What a line of plain text looks like to a reader: a heading, a bullet, a paragraph.</summary>
internal static partial class LineShapes
{
    /// <summary>A short line with no sentence punctuation at its end, starting like a title.</summary>
    public static bool IsHeadingLike(string line)
    {
        if (line.Length is 0 or > 90 || line.Contains(" | ", StringComparison.Ordinal))
        {
            return false;
        }

        var last = line[^1];
        if (last is '.' or '!' or '?' or ':' or ';' or ',')
        {
            return false;
        }

        var first = line[0];
        if (!(char.IsUpper(first) || char.IsDigit(first)))
        {
            return false;
        }

        if (char.IsDigit(first) && !NumberedHeading().IsMatch(line))
        {
            return false;
        }

        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= 12;
    }

    /// <summary>"- item", "• item", "* item", or "1. item" when the item reads as a sentence.</summary>
    public static bool TryBullet(string line, out string item)
    {
        var m = BulletPrefix().Match(line);
        if (m.Success)
        {
            item = line[m.Length..].Trim();
            return true;
        }

        m = NumberPrefix().Match(line);
        if (m.Success && !IsHeadingLike(line))
        {
            item = line[m.Length..].Trim();
            return item.Length > 0;
        }

        item = "";
        return false;
    }

    /// <summary>A bullet marker alone on its line; the item follows on the next line.</summary>
    public static bool IsLoneMarker(string line) => line is "-" or "•" or "*" or "–" or "·" || LoneNumber().IsMatch(line);

    /// <summary>Removes a "1. " prefix.</summary>
    public static string StripNumber(string heading)
    {
        var m = NumberPrefix().Match(heading);
        return m.Success ? heading[m.Length..].Trim() : heading;
    }

    [GeneratedRegex(@"^\d{1,2}[.)]\s+\S")]
    private static partial Regex NumberedHeading();

    [GeneratedRegex(@"^[-•*–·]\s+")]
    private static partial Regex BulletPrefix();

    [GeneratedRegex(@"^\d{1,2}[.)]\s+")]
    private static partial Regex NumberPrefix();

    [GeneratedRegex(@"^\d{1,2}[.)]$")]
    private static partial Regex LoneNumber();
}
