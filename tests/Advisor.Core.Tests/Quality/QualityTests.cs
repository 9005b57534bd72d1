using Advisor.Core.Evaluation;
using Xunit.Abstractions;

namespace Advisor.Core.Tests.Quality;

/// <summary>
/// The chat-style question sets (Quality/*.jsonl, docs/quality.md): heldout-2.jsonl was written before the change it
/// judges and is never tuned on; the dev sets are tuned on, and heldout.jsonl joined them once its misses were
/// published. Each test prints its scorecard with the misses.
/// </summary>
public sealed class QualityTests(ITestOutputHelper output)
{
    private const string HeldOut = "heldout-2.jsonl";

    /// <summary>
    /// The held-out figure last measured and published in docs/quality.md: a guard against regressions. It is below the
    /// issue's 95% target, which stays open until a change judged by a held-out set reaches it.
    /// </summary>
    private const double HeldOutFloor = 0.90;

    /// <summary>Off-topic or unknown-role held-out questions answered as if covered, last measured (the target is 0).</summary>
    private const int HeldOutAnsweredAsCovered = 1;

    /// <summary>
    /// Written after round 2, before the round that will be judged by it; measured once (89.6%, 1 answered as if covered),
    /// only its score read. Guarded at that figure.
    /// </summary>
    private const string NextHeldOut = "heldout-3.jsonl";

    private const double NextHeldOutFloor = 0.89;

    private const int NextHeldOutAnsweredAsCovered = 1;

    private static readonly string[] DevSets = ["dev.jsonl", "dev-b.jsonl", "dev-c.jsonl", "dev-d.jsonl", "dev-e.jsonl", "dev-f.jsonl", "dev-g.jsonl", "heldout.jsonl"];

    private Scorecard Run(string file)
    {
        var (cases, errors) = EvalSet.ReadFile(Path.Combine(EvalKnowledge.QualityFolder, file));
        Assert.Empty(errors);
        var card = Evaluator.Run(EvalKnowledge.Snapshot, cases, errors);
        output.WriteLine(card.Describe(file));
        return card;
    }

    [Theory]
    [InlineData(HeldOut, HeldOutFloor, HeldOutAnsweredAsCovered)]
    [InlineData(NextHeldOut, NextHeldOutFloor, NextHeldOutAnsweredAsCovered)]
    public void The_held_out_sets_do_not_fall_below_their_published_figures(string file, double floor, int answeredAsCovered)
    {
        var card = Run(file);
        Assert.True(card.Score >= floor, $"{file} {card.Right}/{card.Total} = {card.Score:P1}, below the published {floor:P0}\n{card.Describe()}");
        Assert.True(card.AnsweredAsCovered <= answeredAsCovered, $"{card.AnsweredAsCovered} off-topic or unknown-role questions answered as if covered (published: {answeredAsCovered})");
    }

    [Theory]
    [InlineData("dev.jsonl")]
    [InlineData("dev-b.jsonl")]
    [InlineData("dev-c.jsonl")]
    [InlineData("dev-d.jsonl")]
    [InlineData("dev-e.jsonl")]
    [InlineData("dev-f.jsonl")]
    [InlineData("dev-g.jsonl")]
    [InlineData("heldout.jsonl")]
    public void A_dev_set_scores_at_least_95_percent_a_guard_against_regressions(string file)
    {
        var card = Run(file);
        Assert.True(card.Score >= 0.95, $"{file} {card.Right}/{card.Total} = {card.Score:P1}\n{card.Describe()}");
    }

    [Fact]
    public void The_sets_hold_300_questions_a_held_out_part_of_100_and_cover_every_section_and_every_kind()
    {
        var sets = DevSets.Append(HeldOut).ToDictionary(f => f, f => EvalSet.ReadFile(Path.Combine(EvalKnowledge.QualityFolder, f)).Cases);
        Assert.True(sets.Values.Sum(c => c.Count) >= 300);
        Assert.True(sets[HeldOut].Count >= 100);

        var sectionIds = EvalKnowledge.Snapshot.Sections.Select(s => s.Id).ToList();
        Assert.Contains(sectionIds, id => id.EndsWith(".md#skills/prompt-engineer", StringComparison.Ordinal)); // the Markdown article is in
        var parts = new Dictionary<string, List<EvalCase>>
        {
            ["the dev sets"] = [.. DevSets.SelectMany(f => sets[f])],
            [HeldOut] = [.. sets[HeldOut]],
        };
        foreach (var (file, cases) in parts)
        {
            var cited = cases.Where(c => c.Expect == "answer").SelectMany(c => c.Sections).ToHashSet();
            Assert.True(sectionIds.All(cited.Contains), $"{file} asks about no section of: {string.Join(", ", sectionIds.Where(id => !cited.Contains(id)))}");
            Assert.Equal(EvalSet.Kinds.Order(), cases.Select(c => c.Expect).Distinct().Order());
            Assert.Contains(cases, c => c.History.Count > 0);
        }
    }
}
