using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Turns;

namespace Advisor.Host.Web;

/// <summary>An answer as the Ask page gets it: text, citations (label and section id), kind, follow-ups and the turn id.</summary>
internal sealed record AnswerJson(
    string Kind,
    string Text,
    bool Abstained,
    IReadOnlyList<CitationJson> Citations,
    IReadOnlyList<FollowUpJson> FollowUps,
    string TurnId,
    bool WantsFeedback,
    IReadOnlyList<string> Suggestions,
    string? Note,
    string Composer)
{
    public static AnswerJson From(TurnReply reply)
    {
        var answer = reply.Answer;
        return new AnswerJson(
            AnswerKindNames.Name(answer.Kind),
            answer.Text,
            answer.Abstained,
            [.. answer.Citations.Select((c, i) => new CitationJson(i + 1, c.Label, c.SectionId, c.Quote))],
            [.. reply.FollowUps.Select(f => new FollowUpJson(f.Label, f.Question))],
            reply.TurnId.ToString(),
            reply.WantsFeedback,
            answer.Suggestions,
            answer.Note,
            answer.Composer);
    }
}

/// <summary>One citation: its number in the text ("[1]"), its label, the cited section's id and the quoted words.</summary>
internal sealed record CitationJson(int N, string Label, string SectionId, string Quote);

/// <summary>A follow-up button: its label and the question it asks.</summary>
internal sealed record FollowUpJson(string Label, string Question);

/// <summary>A notice instead of an answer (the question was refused, the asker is over the limit, the apology).</summary>
internal sealed record NoticeJson(string Kind, string Text)
{
    public static NoticeJson From(TurnNotice notice) => new(notice.Kind.ToString().ToLowerInvariant(), notice.Text);
}
