using Advisor.Core.Comparison;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;

namespace Advisor.Core.Answers;

/// <summary>
/// Commands typed into a chat message ("/compare A vs B", "/roles", "/help", "/ask …"), answered the same way on every
/// platform. An unknown "/command" gets "unknown command" and the list, not a refusal. (Slash commands a platform
/// delivers as commands never come here; this is for the text of a message.)
/// </summary>
public static class ChatCommands
{
    private const int PointsPerCell = 2;

    /// <summary>True when the text starts like a command: "/" and a letter.</summary>
    public static bool IsCommand(string text)
    {
        var t = text.TrimStart();
        return t.Length > 1 && t[0] == '/' && char.IsLetter(t[1]);
    }

    /// <summary>
    /// The reply to a command typed in chat, or null when the text is not a command or is <c>/ask</c> with a question,
    /// which is then returned in <paramref name="question"/> to be answered as usual.
    /// </summary>
    public static Answer? Reply(KnowledgeSnapshot knowledge, string text, out string? question)
    {
        question = null;
        if (!IsCommand(text))
        {
            return null;
        }

        var trimmed = text.Trim();
        var end = trimmed.IndexOfAny([' ', '\t', '\n', '\r']);
        var name = (end < 0 ? trimmed[1..] : trimmed[1..end]).ToLowerInvariant();
        var rest = end < 0 ? "" : trimmed[end..].Trim();
        switch (name)
        {
            case "ask" when rest.Length > 0:
                question = rest;
                return null;
            case "ask":
                return Reply(knowledge, "Usage: /ask <question>, for example: /ask " + (Replies.ExampleQuestions(knowledge).FirstOrDefault() ?? "What skills does this role need?"));
            case "help":
                return Reply(knowledge, Replies.Help(knowledge));
            case "roles":
                return Reply(knowledge, "Roles in the knowledge:\n" + string.Join('\n', knowledge.Catalog.Roles.Select(r => $"- {r.Name}" + (r.Aliases.Count > 0 ? $" (also: {string.Join(", ", r.Aliases.Take(4))})" : ""))));
            case "compare":
                if (!CompareRequest.TryParse(rest, out var a, out var b, out var aspect))
                {
                    return Reply(knowledge, "Usage: /compare <role> vs <role> [aspect], for example: /compare " + ExamplePair(knowledge));
                }

                var outcome = RoleComparer.Compare(knowledge, a, b, aspect);
                return outcome.Succeeded ? ComparisonAnswer(knowledge, outcome.Comparison!) : Reply(knowledge, outcome.Error!);
            case "reload":
                return Reply(knowledge, "/reload is a slash command for admins: send it as a command, not inside a message.");
            default:
                return Reply(knowledge, $"Unknown command “/{name}”. {Replies.CommandList}");
        }
    }

    /// <summary>A comparison as answer text: one block per aspect, each side's first points cited.</summary>
    public static Answer ComparisonAnswer(KnowledgeSnapshot knowledge, RoleComparison comparison)
    {
        var writer = new AnswerWriter(knowledge);
        writer.Line($"{comparison.RoleA} vs. {comparison.RoleB}:");
        foreach (var row in comparison.Rows)
        {
            writer.Block($"{row.AspectTitle}:");
            if (row.Both is { } both)
            {
                Cell(writer, "Both", both);
                continue;
            }

            Cell(writer, comparison.RoleA, row.A);
            Cell(writer, comparison.RoleB, row.B);
        }

        return new Answer
        {
            Text = writer.ToString(),
            Citations = writer.Citations,
            Kind = AnswerKind.Comparison,
            Confidence = 1,
            Roles = [comparison.RoleA, comparison.RoleB],
            Aspect = comparison.Rows.Count == 1 ? comparison.Rows[0].Aspect : null,
            KnowledgeVersion = knowledge.Version,
        };
    }

    private static void Cell(AnswerWriter writer, string side, ComparisonCell? cell)
    {
        if (cell is null)
        {
            writer.Line($"- {side}: the articles say nothing here.");
            return;
        }

        var section = writer.Knowledge.SectionsById[cell.Citation.SectionId];
        var shown = cell.Points.Take(PointsPerCell).ToList();
        var more = section.Units.Count - shown.Count;
        writer.Line($"- {side}: {string.Join(section.IsList ? " · " : " ", shown)} [{writer.Cite(section, shown[0])}]" + (more > 0 ? $" (+{more} more)" : ""));
    }

    private static Answer Reply(KnowledgeSnapshot knowledge, string text) => new()
    {
        Text = MentionGuard.Neutralize(text),
        Citations = [],
        Kind = AnswerKind.Command,
        Confidence = 1,
        KnowledgeVersion = knowledge.Version,
    };

    private static string ExamplePair(KnowledgeSnapshot knowledge) =>
        knowledge.Articles.FirstOrDefault(a => a.Roles.Count >= 2) is { } article
            ? $"{article.Roles[0]} vs {article.Roles[1]} {AspectLexicon.Display("skills").ToLowerInvariant()}"
            : "Role A vs Role B";
}
