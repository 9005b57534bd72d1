using System.Text.Encodings.Web;
using System.Text.Json;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Roles;

namespace Advisor.Cli;

/// <summary>The command line's JSON shapes, written field by field so their order and names are exactly as documented.</summary>
internal static class JsonOutput
{
    public static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keeps "›" and accents readable; quotes and control characters are still escaped
    };

    /// <summary>One <c>ask --jsonl</c> result line: {"id","answer","kind","abstained","citations"}.</summary>
    /// <summary>The gap report: {"questions", "since", "gaps": [{"kind", "subject", "count", "disliked", "examples", "missing", "closest_section"}]}.</summary>
    public static void WriteGaps(Utf8JsonWriter w, int questions, string since, IReadOnlyList<Advisor.Core.Insights.Gap> gaps)
    {
        w.WriteStartObject();
        w.WriteNumber("questions", questions);
        w.WriteString("since", since);
        w.WriteStartArray("gaps");
        foreach (var gap in gaps)
        {
            w.WriteStartObject();
            w.WriteString("kind", gap.Kind);
            w.WriteString("subject", gap.Subject);
            w.WriteNumber("count", gap.Count);
            w.WriteNumber("disliked", gap.Disliked);
            w.WriteStartArray("examples");
            foreach (var example in gap.Examples)
            {
                w.WriteStringValue(example);
            }

            w.WriteEndArray();
            w.WriteStartArray("missing");
            foreach (var missing in gap.Missing)
            {
                w.WriteStringValue(missing);
            }

            w.WriteEndArray();
            w.WriteString("closest_section", gap.ClosestSection);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteJsonlAnswer(Utf8JsonWriter w, JsonElement? id, Answer answer)
    {
        w.WriteStartObject();
        WriteId(w, id);
        w.WriteString("answer", answer.Text);
        w.WriteString("kind", Kind(answer.Kind));
        w.WriteBoolean("abstained", answer.Abstained);
        WriteCitations(w, answer.Citations);
        w.WriteEndObject();
    }

    /// <summary>One <c>ask --jsonl</c> error line: {"id","error"}.</summary>
    public static void WriteJsonlError(Utf8JsonWriter w, JsonElement? id, string error)
    {
        w.WriteStartObject();
        WriteId(w, id);
        w.WriteString("error", error);
        w.WriteEndObject();
    }

    /// <summary><c>ask --json</c>: the whole answer.</summary>
    public static void WriteAnswer(Utf8JsonWriter w, string question, Answer answer)
    {
        w.WriteStartObject();
        w.WriteString("question", question);
        w.WriteString("answer", answer.Text);
        w.WriteString("kind", Kind(answer.Kind));
        w.WriteBoolean("abstained", answer.Abstained);
        if (answer.Uncovered is not null)
        {
            w.WriteString("uncovered", answer.Uncovered);
        }

        w.WriteNumber("confidence", answer.Confidence);
        WriteCitations(w, answer.Citations);
        WriteStrings(w, "suggestions", answer.Suggestions);
        w.WriteString("composer", answer.Composer);
        if (answer.Note is not null)
        {
            w.WriteString("note", answer.Note);
        }

        w.WriteString("knowledgeVersion", answer.KnowledgeVersion);
        w.WriteEndObject();
    }

    /// <summary>"answer", "comparison", "profile", "uncovered-role", "uncovered-topic", "off-topic", "small-talk", "command".</summary>
    public static string Kind(AnswerKind kind) => kind switch
    {
        AnswerKind.UncoveredRole => "uncovered-role",
        AnswerKind.UncoveredTopic => "uncovered-topic",
        AnswerKind.OffTopic => "off-topic",
        AnswerKind.SmallTalk => "small-talk",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary><c>eval --json</c>: the scorecard with its misses.</summary>
    public static void WriteScorecard(Utf8JsonWriter w, Advisor.Core.Evaluation.Scorecard card)
    {
        w.WriteStartObject();
        w.WriteString("knowledgeVersion", card.KnowledgeVersion);
        w.WriteNumber("right", card.Right);
        w.WriteNumber("total", card.Total);
        w.WriteNumber("score", Math.Round(card.Score, 4));
        w.WriteNumber("answeredAsCovered", card.AnsweredAsCovered);
        w.WriteStartObject("byKind");
        foreach (var kind in card.ByKind)
        {
            w.WriteStartObject(kind.Kind);
            w.WriteNumber("right", kind.Right);
            w.WriteNumber("total", kind.Total);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteStartArray("misses");
        foreach (var miss in card.Misses)
        {
            w.WriteStartObject();
            w.WriteString("id", miss.Case.Id);
            w.WriteString("question", miss.Case.Question);
            w.WriteString("expect", miss.Case.Expect);
            w.WriteString("got", miss.Got);
            w.WriteString("why", miss.Why);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("errors");
        foreach (var e in card.Errors)
        {
            w.WriteStringValue(e.ToString());
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// <c>compare --json</c>: {"roleA","roleB","articles","rows":[{"aspect","title","a","b","both"}],"knowledgeVersion"}; a cell is
    /// {"points","citation"} or null, and "both" is set (with "a" and "b" null) when one section answers for both roles.
    /// </summary>
    public static void WriteComparison(Utf8JsonWriter w, RoleComparison c)
    {
        w.WriteStartObject();
        w.WriteString("roleA", c.RoleA);
        w.WriteString("roleB", c.RoleB);
        WriteStrings(w, "articles", c.Articles);
        w.WriteStartArray("rows");
        foreach (var row in c.Rows)
        {
            w.WriteStartObject();
            w.WriteString("aspect", row.Aspect);
            w.WriteString("title", row.AspectTitle);
            WriteCell(w, "a", row.A);
            WriteCell(w, "b", row.B);
            WriteCell(w, "both", row.Both);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("knowledgeVersion", c.KnowledgeVersion);
        w.WriteEndObject();
    }

    public static void WriteRoles(Utf8JsonWriter w, IReadOnlyList<RoleInfo> roles)
    {
        w.WriteStartArray();
        foreach (var r in roles)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            WriteStrings(w, "aliases", r.Aliases);
            WriteStrings(w, "articles", r.Articles);
            w.WriteNumber("sections", r.SectionCount);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public static void WriteError(Utf8JsonWriter w, string error, IReadOnlyList<string>? knownRoles = null, string? closest = null)
    {
        w.WriteStartObject();
        w.WriteString("error", error);
        if (knownRoles is { Count: > 0 })
        {
            WriteStrings(w, "knownRoles", knownRoles);
        }

        if (closest is not null)
        {
            w.WriteString("closestMatch", closest);
        }

        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> items)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStringValue(item);
        }

        w.WriteEndArray();
    }

    private static void WriteCell(Utf8JsonWriter w, string name, ComparisonCell? cell)
    {
        if (cell is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        WriteStrings(w, "points", cell.Points);
        w.WritePropertyName("citation");
        WriteCitation(w, cell.Citation);
        w.WriteEndObject();
    }

    private static void WriteCitations(Utf8JsonWriter w, IReadOnlyList<Citation> citations)
    {
        w.WriteStartArray("citations");
        foreach (var c in citations)
        {
            WriteCitation(w, c);
        }

        w.WriteEndArray();
    }

    private static void WriteCitation(Utf8JsonWriter w, Citation c)
    {
        w.WriteStartObject();
        w.WriteString("article", c.Article);
        w.WriteString("section", c.Section);
        if (c.Role is null)
        {
            w.WriteNull("role");
        }
        else
        {
            w.WriteString("role", c.Role);
        }

        w.WriteString("file", c.File);
        w.WriteString("quote", c.Quote);
        w.WriteEndObject();
    }

    private static void WriteId(Utf8JsonWriter w, JsonElement? id)
    {
        w.WritePropertyName("id");
        if (id is { } value && value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
        {
            value.WriteTo(w);
        }
        else
        {
            w.WriteNullValue();
        }
    }
}
