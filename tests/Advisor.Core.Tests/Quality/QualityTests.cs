using Advisor.Core.Evaluation;
using Xunit.Abstractions;

namespace Advisor.Core.Tests.Quality;

/// <summary>
/// The chat-style question sets (Quality/*.jsonl, docs/quality.md): a held-out set is written before the change it
/// judges and never tuned on; once a round is judged its misses are published and it becomes a guarded set. The dev
/// sets are tuned on. Each test prints its scorecard with the misses.
/// </summary>
public sealed class QualityTests(ITestOutputHelper output)
{
    /// <summary>
    /// Written blind (articles and section list only, by a helper session that saw no code and no other set) during
    /// round 6, before its changes were measured; judged it: 82.8% before (commit 57d2b8f's answering code, the same as
    /// round 5's), 83.9% after, none answered as if covered. Only its score was read before the round was merged; its
    /// misses are published in docs/quality.md, so the next round needs a new set to judge it.
    /// </summary>
    private const string HeldOut = "heldout-6.jsonl";

    private const double HeldOutFloor = 0.83;

    private const int HeldOutAnsweredAsCovered = 0;

    /// <summary>
    /// Written blind during round 5 and judged it (89.4% before, 90.5% after); its misses were published at the start of
    /// round 6 and tuned on (97.8%, none answered as if covered): a spent set, guarded at that figure.
    /// </summary>
    private const string SpentHeldOut5 = "heldout-5.jsonl";

    private const double SpentHeldOut5Floor = 0.97;

    /// <summary>Tuned on (85.6% fresh; 92.6% after rounds 3 to 5, 96.0% after round 6); guarded at 95%.</summary>
    private const string NewestDevSet = "dev-h.jsonl";

    private const double NewestDevSetFloor = 0.95;

    /// <summary>Judged round 4 (80.7% three times), then its misses were published and tuned on in round 5 (87.6%) and 6 (92.5%).</summary>
    private const string SpentHeldOut = "heldout-4.jsonl";

    private const double SpentHeldOutFloor = 0.92;

    private static readonly string[] DevSets = ["dev.jsonl", "dev-b.jsonl", "dev-c.jsonl", "dev-d.jsonl", "dev-e.jsonl", "dev-f.jsonl", "dev-g.jsonl", "heldout.jsonl", "heldout-2.jsonl", "heldout-3.jsonl"];

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
    [InlineData(NewestDevSet, NewestDevSetFloor, 0)]
    [InlineData(SpentHeldOut, SpentHeldOutFloor, 0)]
    [InlineData(SpentHeldOut5, SpentHeldOut5Floor, 0)]
    public void The_held_out_and_newest_sets_do_not_fall_below_their_published_figures(string file, double floor, int answeredAsCovered)
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
    [InlineData("heldout-2.jsonl")]
    [InlineData("heldout-3.jsonl")]
    public void A_dev_set_scores_at_least_95_percent_a_guard_against_regressions(string file)
    {
        var card = Run(file);
        Assert.True(card.Score >= 0.95, $"{file} {card.Right}/{card.Total} = {card.Score:P1}\n{card.Describe()}");
    }

    [Fact]
    public void The_sets_hold_300_questions_a_held_out_part_of_100_and_cover_every_section_and_every_kind()
    {
        var sets = DevSets.Append(SpentHeldOut5).Append(HeldOut).ToDictionary(f => f, f => EvalSet.ReadFile(Path.Combine(EvalKnowledge.QualityFolder, f)).Cases);
        Assert.True(sets.Values.Sum(c => c.Count) >= 300);
        Assert.True(sets[HeldOut].Count >= 100);

        var sectionIds = EvalKnowledge.Snapshot.Sections.Select(s => s.Id).ToList();
        Assert.Contains(sectionIds, id => id.EndsWith(".md#skills/prompt-engineer", StringComparison.Ordinal)); // the Markdown article is in
        var parts = new Dictionary<string, List<EvalCase>>
        {
            ["the dev sets"] = [.. DevSets.Append(SpentHeldOut5).SelectMany(f => sets[f])],
            [HeldOut] = [.. sets[HeldOut]],
        };
        foreach (var (file, cases) in parts)
        {
            var cited = cases.Where(c => c.Expect == "answer").SelectMany(c => c.Sections).ToHashSet();
            Assert.True(sectionIds.All(cited.Contains), $"{file} asks about no section of: {string.Join(", ", sectionIds.Where(id => !cited.Contains(id)))}");
            Assert.Equal(EvalSet.Kinds.Order(), cases.Select(c => c.Expect).Distinct().Order());
        }

        // Follow-ups (questions with a history) are judged by the older sets; heldout-6 was written without any.
        Assert.Contains(parts["the dev sets"], c => c.History.Count > 0);
    }
}
