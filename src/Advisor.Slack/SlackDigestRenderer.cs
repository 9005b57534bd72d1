using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Advisor.Core.Answers;
using Advisor.Core.Insights;

namespace Advisor.Slack;

/// <summary>
/// The core's <see cref="WeeklyDigest"/> as one Block Kit message: a header, the period, the week's counts as fields,
/// one section per top gap, and the link to the gap report. Every text from users or the knowledge is escaped and
/// cannot ping anyone; every block stays within Slack's limits.
/// </summary>
internal static class SlackDigestRenderer
{
    /// <summary>Slack's limit on a header block's text.</summary>
    public const int MaxHeaderText = 150;

    /// <summary>An example question shown at most this long.</summary>
    private const int MaxExample = 300;

    public static SlackMessage Render(WeeklyDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var c = digest.Counts;
        var blocks = new List<JsonObject>
        {
            new()
            {
                ["type"] = "header",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Cut("Advisor weekly digest", MaxHeaderText), ["emoji"] = true },
            },
            Context($"{Safe(digest.Period)} · week {Safe(digest.Week)}"),
            new()
            {
                ["type"] = "section",
                ["fields"] = new JsonArray(
                    Field("Questions", c.Questions),
                    Field("Answered from the knowledge", c.Answered),
                    Field("Refused (not covered)", c.Refused),
                    Field("👍", c.ThumbsUp),
                    Field("👎", c.ThumbsDown)),
            },
        };
        if (digest.Truncated)
        {
            blocks.Add(Context("The question log had more entries than were read; the counts are of the newest."));
        }

        blocks.Add(new JsonObject { ["type"] = "divider" });
        if (digest.TopGaps.Count == 0)
        {
            blocks.Add(SlackRenderer.Section("*Knowledge gaps:* " + Safe(digest.NoGaps)));
        }
        else
        {
            blocks.Add(SlackRenderer.Section(string.Create(CultureInfo.InvariantCulture,
                $"*Top knowledge gaps* ({digest.TopGaps.Count} of {digest.GapGroups} {(digest.GapGroups == 1 ? "group" : "groups")})")));
            var n = 0;
            foreach (var gap in digest.TopGaps)
            {
                var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{++n}.* {Safe(WeeklyDigest.GapLine(gap))}");
                foreach (var example in gap.Examples)
                {
                    text.Append("\n> ").Append(Safe(Cut(example, MaxExample)));
                }

                if (gap.ClosestSection is { } closest)
                {
                    text.Append("\n_closest section: ").Append(Safe(closest)).Append('_');
                }

                blocks.Add(SlackRenderer.Section(Cut(text.ToString(), SlackRenderer.MaxSectionText)));
            }
        }

        blocks.Add(SlackRenderer.Section(digest.GapReportLink is { } link
            ? $"<{SlackRenderer.Escape(link.AbsoluteUri)}|Open the gap report> on the Insights page"
            : Safe(WeeklyDigest.NoLinkHint)));
        var fallback = string.Create(CultureInfo.InvariantCulture,
            $"{digest.Title}: {c.Questions} questions, {c.Answered} answered, {c.Refused} refused, 👍 {c.ThumbsUp}, 👎 {c.ThumbsDown}");
        return new SlackMessage(Safe(fallback), blocks);
    }

    private static JsonObject Field(string label, int value) =>
        new() { ["type"] = "mrkdwn", ["text"] = string.Create(CultureInfo.InvariantCulture, $"*{label}*\n{value}") };

    private static JsonObject Context(string mrkdwn) => new()
    {
        ["type"] = "context",
        ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut(mrkdwn, SlackRenderer.MaxContextElementText) }),
    };

    private static string Safe(string text) => SlackRenderer.Escape(MentionGuard.Neutralize(text));

    /// <summary>At most <paramref name="max"/> characters (an ellipsis marks a cut; an escape entity or a surrogate pair is never split).</summary>
    internal static string Cut(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = max - 1;
        var amp = text.LastIndexOf('&', cut - 1, Math.Min(cut, 6));
        if (amp >= 0 && text.IndexOf(';', amp) >= cut)
        {
            cut = amp;
        }

        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return text[..cut].TrimEnd() + "…";
    }
}
