using System.Text.RegularExpressions;

namespace Advisor.Core.Answers;

/// <summary>
/// Makes text unable to ping anyone on Discord or Slack: "@everyone", "@here", user and role mentions
/// ("&lt;@123&gt;", "&lt;@&amp;123&gt;", "&lt;@!123&gt;") and Slack's special mentions ("&lt;!channel&gt;",
/// "&lt;!here&gt;", "&lt;!subteam^ID&gt;") get a zero-width space that breaks the token but reads the same.
/// </summary>
public static partial class MentionGuard
{
    private const string ZeroWidthSpace = "\u200B";

    public static string Neutralize(string text)
    {
        if (string.IsNullOrEmpty(text) || (text.IndexOf('@', StringComparison.Ordinal) < 0 && text.IndexOf("<!", StringComparison.Ordinal) < 0))
        {
            return text;
        }

        text = EveryoneHere().Replace(text, m => "@" + ZeroWidthSpace + m.Value[1..]);
        text = UserOrRole().Replace(text, m => "<@" + ZeroWidthSpace + m.Value[2..]);
        return SlackSpecial().Replace(text, m => "<" + ZeroWidthSpace + m.Value[1..]);
    }

    /// <summary>Removes mentions from a question before it is read for meaning ("@everyone" is not a topic).</summary>
    public static string Strip(string text)
    {
        if (string.IsNullOrEmpty(text) || (text.IndexOf('@', StringComparison.Ordinal) < 0 && text.IndexOf("<!", StringComparison.Ordinal) < 0))
        {
            return text;
        }

        // Removing one mention can join the text around it into another ("<@1|<!here>>" → "<@1| >"): repeat until
        // nothing is left. Each pass that finds something makes the text shorter, so this ends.
        string before;
        do
        {
            before = text;
            text = SlackSpecial().Replace(UserOrRole().Replace(EveryoneHere().Replace(text, " "), " "), " ");
        }
        while (!string.Equals(text, before, StringComparison.Ordinal));

        return text;
    }

    /// <summary>True when the text still holds something that would ping.</summary>
    public static bool HasMention(string text) =>
        EveryoneHere().IsMatch(text) || UserOrRole().IsMatch(text) || SlackSpecial().IsMatch(text);

    [GeneratedRegex(@"@(everyone|here|channel)\b", RegexOptions.IgnoreCase)]
    private static partial Regex EveryoneHere();

    // A label ("|name") never holds '<': "<@1|<@2>" is text around the mention "<@2>", which must be found on its own.
    [GeneratedRegex(@"<@[!&]?[A-Za-z0-9]+(\|[^<>]*)?>")]
    private static partial Regex UserOrRole();

    [GeneratedRegex(@"<![A-Za-z]+(\^[A-Za-z0-9]+)?(\|[^<>]*)?>")]
    private static partial Regex SlackSpecial();
}
