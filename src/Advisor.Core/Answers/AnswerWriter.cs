using System.Text;
using Advisor.Core.Knowledge;

namespace Advisor.Core.Answers;

/// <summary>Builds an answer's text and its citations together: [n] in the text is the n-th citation, one per section.</summary>
internal sealed class AnswerWriter(KnowledgeSnapshot knowledge)
{
    private readonly StringBuilder _text = new();
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);

    public List<Citation> Citations { get; } = [];

    public KnowledgeSnapshot Knowledge => knowledge;

    public bool IsEmpty => _text.Length == 0;

    /// <summary>The citation number of a section, citing it (with this quote) the first time.</summary>
    public int Cite(KnowledgeSection section, string quote)
    {
        if (_numbers.TryGetValue(section.Id, out var n))
        {
            return n;
        }

        Citations.Add(new Citation(section.ArticleTitle, section.Topic, section.Role, section.File, MentionGuard.Neutralize(quote)) { SectionId = section.Id });
        n = Citations.Count;
        _numbers[section.Id] = n;
        return n;
    }

    public AnswerWriter Line(string text)
    {
        if (_text.Length > 0)
        {
            _text.Append('\n');
        }

        _text.Append(text);
        return this;
    }

    /// <summary>Starts a new block (a blank line before it, unless it is the first).</summary>
    public AnswerWriter Block(string heading)
    {
        if (_text.Length > 0)
        {
            _text.Append('\n');
        }

        return Line(heading);
    }

    /// <summary>Quotes an excerpt of a section, cited: bullets for a list, one paragraph for sentences, then the "more" note.</summary>
    public AnswerWriter Quote(KnowledgeSection section, Excerpt excerpt, string bullet = "- ")
    {
        if (excerpt.Shown.Count == 0)
        {
            return this;
        }

        var n = Cite(section, excerpt.Shown[0]);
        var more = Excerpts.MoreNote(section, excerpt.More);
        if (section.IsList)
        {
            foreach (var unit in excerpt.Shown)
            {
                Line($"{bullet}{unit} [{n}]");
            }

            if (more.Length > 0)
            {
                Line(bullet.Length > 0 ? new string(' ', bullet.Length) + more : more);
            }
        }
        else
        {
            // Sentences that are not next to each other in the section are joined with "…".
            var text = new StringBuilder(excerpt.Shown[0]);
            for (var i = 1; i < excerpt.Shown.Count; i++)
            {
                var gap = excerpt.Indexes.Count == excerpt.Shown.Count && excerpt.Indexes[i] != excerpt.Indexes[i - 1] + 1;
                text.Append(gap ? " … " : " ").Append(excerpt.Shown[i]);
            }

            Line($"{bullet}{text} [{n}]" + (more.Length > 0 ? " " + more : ""));
        }

        return this;
    }

    public override string ToString() => MentionGuard.Neutralize(_text.ToString());
}
