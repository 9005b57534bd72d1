using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Advisor.Core.Answers;
using Advisor.Core.Insights;
using Advisor.Discord.Rest;

namespace Advisor.Discord.Messages;

/// <summary>
/// The core's <see cref="WeeklyDigest"/> as one Discord message with one embed: the period and the week's counts in
/// the description, one field per top gap, and the link to the gap report. Mentions are neutralized and
/// allowed_mentions is empty (nothing pings); every part stays within the embed limits, the whole under 6,000 characters.
/// </summary>
internal static class DiscordDigestRenderer
{
    /// <summary>Kept free of the 6,000 an embed may hold in all (for the "more groups" line and rounding).</summary>
    private const int Reserve = 300;

    public static DiscordMessagePayload Render(WeeklyDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var c = digest.Counts;
        var title = DiscordFormatter.Truncate(MentionGuard.Neutralize(digest.Title), DiscordFormatter.TitleLimit);
        var description = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{digest.Period} · week {digest.Week}\n")
            .Append(CultureInfo.InvariantCulture, $"**{c.Questions}** questions · **{c.Answered}** answered from the knowledge · **{c.Refused}** refused · 👍 **{c.ThumbsUp}** · 👎 **{c.ThumbsDown}**");
        if (digest.Truncated)
        {
            description.Append("\n-# The question log had more entries than were read; the counts are of the newest.");
        }

        description.Append("\n\n").Append(digest.TopGaps.Count == 0
            ? "**Knowledge gaps:** " + digest.NoGaps
            : string.Create(CultureInfo.InvariantCulture, $"**Top knowledge gaps** ({digest.TopGaps.Count} of {digest.GapGroups} {(digest.GapGroups == 1 ? "group" : "groups")}):"));
        var desc = DiscordFormatter.Truncate(MentionGuard.Neutralize(description.ToString()), DiscordFormatter.DescriptionLimit);

        var link = digest.GapReportLink is { } url
            ? new EmbedField("Gap report", $"[Open the gap report]({url.AbsoluteUri}) on the Insights page")
            : new EmbedField("Gap report", MentionGuard.Neutralize(WeeklyDigest.NoLinkHint));
        var used = title.Length + desc.Length + link.Name.Length + link.Value.Length;
        var fields = new List<EmbedField>();
        var n = 0;
        foreach (var gap in digest.TopGaps)
        {
            n++;
            var value = new StringBuilder(GapWhat(gap));
            foreach (var example in gap.Examples)
            {
                value.Append("\n> ").Append(example.ReplaceLineEndings(" "));
            }

            if (gap.ClosestSection is { } closest)
            {
                value.Append("\n-# closest section: ").Append(closest);
            }

            var field = new EmbedField(
                DiscordFormatter.Truncate(MentionGuard.Neutralize(string.Create(CultureInfo.InvariantCulture, $"{n}. {gap.Count} {(gap.Count == 1 ? "question" : "questions")}")), DiscordFormatter.FieldNameLimit),
                DiscordFormatter.Truncate(MentionGuard.Neutralize(value.ToString()), DiscordFormatter.FieldValueLimit));
            if (fields.Count + 2 > DiscordFormatter.MaxFields || used + field.Name.Length + field.Value.Length > DiscordFormatter.EmbedTotalLimit - Reserve)
            {
                var rest = digest.TopGaps.Count - fields.Count;
                fields.Add(new EmbedField("…", string.Create(CultureInfo.InvariantCulture, $"{rest} more {(rest == 1 ? "group" : "groups")} in the gap report")));
                break;
            }

            used += field.Name.Length + field.Value.Length;
            fields.Add(field);
        }

        fields.Add(link);
        return new DiscordMessagePayload
        {
            Embeds = [new DiscordEmbed { Title = title, Description = desc, Fields = fields, Color = DiscordFormatter.AnswerColor }],
        }.WithNonce(Nonce("dg", digest.Id));
    }

    /// <summary>What a gap asked about, with its 👎 count when it has some.</summary>
    private static string GapWhat(Gap gap) =>
        gap.Disliked > 0 && gap.Kind != "disliked"
            ? string.Create(CultureInfo.InvariantCulture, $"{GapReport.Describe(gap)} ({gap.Disliked} thumbs-down)")
            : GapReport.Describe(gap);

    /// <summary>A nonce of at most 25 characters from an id (the same id, the same nonce).</summary>
    internal static string Nonce(string prefix, string id) =>
        prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..16];
}
