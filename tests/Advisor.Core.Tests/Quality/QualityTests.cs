using Advisor.Core.Evaluation;
using Xunit.Abstractions;

namespace Advisor.Core.Tests.Quality;

/// <summary>
/// The chat-style question sets (Quality/*.jsonl): heldout.jsonl was written before the change it judges and is never
/// tuned on; dev.jsonl and dev-b.jsonl are the sets tuned on. Each test prints its scorecard with the misses.
/// </summary>
public sealed class QualityTests(ITestOutputHelper output)
{
    private static readonly string[] DevSets = ["dev.jsonl", "dev-b.jsonl", "dev-c.jsonl", "dev-d.jsonl"];

    private Scorecard Run(string file)
    {
        var (cases, errors) = EvalSet.ReadFile(Path.Combine(EvalKnowledge.QualityFolder, file));
        Assert.Empty(errors);
        var card = Evaluator.Run(EvalKnowledge.Snapshot, cases, errors);
        output.WriteLine(card.Describe(file));
        return card;
    }

    [Fact]
    public void The_held_out_set_scores_at_least_95_percent_and_answers_no_off_topic_or_unknown_role_question_as_covered()
    {
        var card = Run("heldout.jsonl");
        Assert.True(card.Score >= 0.95, $"held-out {card.Right}/{card.Total} = {card.Score:P1}, below 95%\n{card.Describe()}");
        Assert.Equal(0, card.AnsweredAsCovered);
    }

    [Theory]
    [InlineData("dev.jsonl")]
    [InlineData("dev-b.jsonl")]
    [InlineData("dev-c.jsonl")]
    [InlineData("dev-d.jsonl")]
    public void A_dev_set_scores_at_least_95_percent_a_guard_against_regressions(string file)
    {
        var card = Run(file);
        Assert.True(card.Score >= 0.95, $"{file} {card.Right}/{card.Total} = {card.Score:P1}\n{card.Describe()}");
    }

    [Fact]
    public void The_sets_hold_300_questions_a_held_out_part_of_100_and_cover_every_section_and_every_kind()
    {
        var sets = DevSets.Append("heldout.jsonl").ToDictionary(f => f, f => EvalSet.ReadFile(Path.Combine(EvalKnowledge.QualityFolder, f)).Cases);
        Assert.True(sets.Values.Sum(c => c.Count) >= 300);
        Assert.True(sets["heldout.jsonl"].Count >= 100);

        var sectionIds = EvalKnowledge.Snapshot.Sections.Select(s => s.Id).ToList();
        Assert.Contains(sectionIds, id => id.EndsWith(".md#skills/prompt-engineer", StringComparison.Ordinal)); // the Markdown article is in
        foreach (var (file, cases) in sets)
        {
            var cited = cases.Where(c => c.Expect == "answer").SelectMany(c => c.Sections).ToHashSet();
            Assert.True(sectionIds.All(cited.Contains), $"{file} asks about no section of: {string.Join(", ", sectionIds.Where(id => !cited.Contains(id)))}");
            Assert.Equal(EvalSet.Kinds.Order(), cases.Select(c => c.Expect).Distinct().Order());
            Assert.Contains(cases, c => c.History.Count > 0);
        }
    }
}
