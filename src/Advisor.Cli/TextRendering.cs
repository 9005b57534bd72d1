using System.Text;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Roles;

namespace Advisor.Cli;

/// <summary>Plain-text rendering for a terminal.</summary>
internal static class TextRendering
{
    public static string Answer(Answer answer)
    {
        var sb = new StringBuilder(answer.Text);
        if (answer.Note is not null)
        {
            sb.Append("\n\nNote: ").Append(answer.Note);
        }

        if (answer.Citations.Count > 0)
        {
            sb.Append("\n\nSources:");
            for (var i = 0; i < answer.Citations.Count; i++)
            {
                var c = answer.Citations[i];
                sb.Append("\n[").Append(i + 1).Append("] ").Append(c.Label).Append("  (").Append(c.File).Append(')');
            }
        }

        return sb.ToString();
    }

    /// <summary>The gap report as text (the same text the chat platforms' /gaps shows).</summary>
    public static string Gaps(IReadOnlyList<Advisor.Core.Insights.Gap> gaps, int questions, string since) =>
        Advisor.Core.Insights.GapReport.ToText(gaps, questions, since);

    public static string Comparison(RoleComparison c)
    {
        var sb = new StringBuilder();
        sb.Append(c.RoleA).Append(" vs. ").Append(c.RoleB).Append("  (from ").Append(string.Join("; ", c.Articles)).Append(')');
        foreach (var row in c.Rows)
        {
            sb.Append("\n\n== ").Append(row.AspectTitle).Append(" ==");
            if (row.Both is { } both)
            {
                Cell(sb, "Both", both);
            }
            else
            {
                Cell(sb, c.RoleA, row.A);
                Cell(sb, c.RoleB, row.B);
            }
        }

        return sb.ToString();
    }

    public static string Roles(IReadOnlyList<RoleInfo> roles)
    {
        var sb = new StringBuilder("Roles in the knowledge:");
        foreach (var r in roles)
        {
            sb.Append("\n- ").Append(r.Name);
            var aliases = r.Aliases.Take(6).ToList();
            if (aliases.Count > 0)
            {
                sb.Append("  (also: ").Append(string.Join(", ", aliases)).Append(')');
            }

            sb.Append("\n    in: ").Append(string.Join("; ", r.Articles));
        }

        return sb.ToString();
    }

    public static string Explain(Advisor.Core.Retrieval.RetrievalResult r)
    {
        var q = r.Query;
        var sb = new StringBuilder("explain:");
        sb.Append("\n  intent: ").Append(q.Intent).Append(q.UncoveredRole is { } role ? $" (role: {role}; closest: {string.Join(", ", q.ClosestRoles.Select(r => r.Name))})" : "")
            .Append(q.UncoveredTopic is { } topic ? $" (topic: {topic})" : "").Append(q.SmallTalk is { } talk ? $" ({talk})" : "");
        sb.Append("\n  roles: ").Append(q.Roles.Count == 0 ? "-" : string.Join(", ", q.Roles.Select(x => x.Name))).Append(q.RolesFromHistory ? " (from the previous turn)" : "");
        sb.Append("\n  aspect: ").Append(q.Aspect ?? "-");
        sb.Append("\n  other terms: ").Append(q.ContentTerms.Count == 0 ? "-" : string.Join(' ', q.ContentTerms)).Append($"  (coverage {q.Coverage:0.##})");
        sb.Append("\n  query terms: ").Append(q.QueryTerms.Count == 0 ? "-" : string.Join(' ', q.QueryTerms));
        sb.Append("\n  in scope: ").Append(r.InScope).Append($", confidence {r.Confidence:0.##}");
        foreach (var s in r.Ranked)
        {
            sb.Append($"\n  {s.Score,6:0.00}  {s.Section.Label}");
        }

        return sb.ToString();
    }

    private static void Cell(StringBuilder sb, string label, ComparisonCell? cell)
    {
        sb.Append('\n').Append(label).Append(':');
        if (cell is null)
        {
            sb.Append(" (the knowledge says nothing here)");
            return;
        }

        foreach (var p in cell.Points)
        {
            sb.Append("\n  - ").Append(p);
        }

        sb.Append("\n  [").Append(cell.Citation.Label).Append(']');
    }
}
