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
    /// Written blind (articles, section list and a one-page brief only, by a helper session that saw no code and no other
    /// set; engineering students and engineers in India) after round 17 was judged, kept outside the repository and never
    /// tuned on; measured on round 17's code (94.0%, two answered as if covered), then judged round 18: 94.0%, the same two
    /// (an SDE role and a testing job answered from the articles). Only its score lines were read until then; its misses are
    /// published in docs/quality.md.
    /// </summary>
    internal const string HeldOut = "heldout-28.jsonl";

    private const double HeldOutFloor = 0.94;

    private const int HeldOutAnsweredAsCovered = 2;

    /// <summary>Written beside <see cref="HeldOut"/> under the same rules with another persona (writers, designers and other creative professionals); 92.6% on round 17's code, judged round 18: 93.6%, none answered as if covered either time.</summary>
    internal const string HeldOutB = "heldout-29.jsonl";

    private const double HeldOutBFloor = 0.935;

    private const int HeldOutBAnsweredAsCovered = 0;

    /// <summary>
    /// Written blind while round 18 was built (career returners typing on phones), kept outside the repository; 94.6% on
    /// round 17's code, 95.1% on round 18's, judged round 19: 95.1%, none answered as if covered. Never tuned on.
    /// </summary>
    internal const string JudgedHeldOut30 = "heldout-30.jsonl";

    private const double JudgedHeldOut30Floor = 0.95;

    /// <summary>Beside <see cref="JudgedHeldOut30"/> (a bank's finance and operations staff): 91.0% on round 17's code, 93.5% on round 18's, judged round 19: 94.0%, none answered as if covered. Never tuned on.</summary>
    internal const string JudgedHeldOut31 = "heldout-31.jsonl";

    private const double JudgedHeldOut31Floor = 0.94;

    /// <summary>Written blind after round 18 (high-school seniors, first-year students, counselors): 93.5% on round 18's code, judged round 19: 93.5%, none answered as if covered. Never tuned on.</summary>
    internal const string JudgedHeldOut32 = "heldout-32.jsonl";

    private const double JudgedHeldOut32Floor = 0.935;

    /// <summary>Beside <see cref="JudgedHeldOut32"/> (health-care and life-sciences staff): 94.6% on round 18's code, judged round 19: 94.6%, none answered as if covered. Never tuned on.</summary>
    internal const string JudgedHeldOut33 = "heldout-33.jsonl";

    private const double JudgedHeldOut33Floor = 0.945;

    /// <summary>
    /// Written blind during round 22 and sealed (tests/sealed) unread: 40 a university alumni Slack, 41 an ML-hobbyist
    /// Discord, 42 career switchers from non-tech jobs, 43 technical recruiters and HR, 44 PhD students and postdocs, 45
    /// Latin American developers writing English as a second language. Judged round 23 (round 22's code, then round 23's):
    /// 193 → 196/206, 187 → 190/201, 183 → 185/198, 178 → 181/200, 195 → 197/207, 182 → 181/200. Their misses are published
    /// (docs/quality.md); never tuned on or learned from.
    /// </summary>
    internal static readonly (string File, double Floor, int AnsweredAsCovered)[] JudgedRound23 =
    [
        ("heldout-40.jsonl", 0.95, 0), ("heldout-41.jsonl", 0.945, 1), ("heldout-42.jsonl", 0.93, 1),
        ("heldout-43.jsonl", 0.905, 0), ("heldout-44.jsonl", 0.95, 2), ("heldout-45.jsonl", 0.905, 1),
    ];

    /// <summary>
    /// Written blind during and after round 23 and kept sealed (tests/sealed) until rounds 26 and 27 were judged by them,
    /// scores only (docs/quality.md): students in a coding club, senior engineers, parents asking for someone, founders and
    /// PMs, veterans, creators, public-sector staff, East Asian engineers. Floors at round 27's figures; their misses are
    /// published there, and they are never tuned on or learned from.
    /// </summary>
    internal static readonly (string File, double Floor, int AnsweredAsCovered)[] JudgedRound27 =
    [
        ("heldout-46.jsonl", 0.94, 0), ("heldout-47.jsonl", 0.935, 0), ("heldout-48.jsonl", 0.95, 1), ("heldout-49.jsonl", 0.92, 1),
        ("heldout-50.jsonl", 0.925, 1), ("heldout-51.jsonl", 0.94, 2), ("heldout-52.jsonl", 0.93, 0), ("heldout-53.jsonl", 0.955, 0),
    ];

    public static TheoryData<string, double, int> JudgedRound23Data()
    {
        var data = new TheoryData<string, double, int>();
        foreach (var (file, floor, answeredAsCovered) in JudgedRound23.Concat(JudgedRound27))
        {
            data.Add(file, floor, answeredAsCovered);
        }

        return data;
    }

    /// <summary>
    /// Written blind after round 20 was built (people in Africa and South-East Asia learning AI online); 92.4% on round 20's
    /// code, judged round 21: 92.4% (one answered as if covered each time); its misses were published and tuned on in
    /// round 22 (93.8%): spent.
    /// </summary>
    private const string SpentHeldOut38 = "heldout-38.jsonl";

    private const double SpentHeldOut38Floor = 0.935;

    /// <summary>Beside heldout-38 (a company's engineering managers and tech leads): 90.5% on round 20's code, judged round 21: 90.5%; tuned on in round 22 (93.0%): spent.</summary>
    private const string SpentHeldOut39 = "heldout-39.jsonl";

    private const double SpentHeldOut39Floor = 0.93;

    /// <summary>
    /// Written blind after round 19 (a company data team's Slack: analysts, BI developers, analytics engineers); 92.3% on
    /// round 19's code, judged round 20: 92.8%, none answered as if covered; its misses were published and tuned on in
    /// round 21 (95.2%), and the learned readers learn from it: spent.
    /// </summary>
    private const string SpentHeldOut36 = "heldout-36.jsonl";

    private const double SpentHeldOut36Floor = 0.95;

    /// <summary>Beside heldout-36 (freelancers, consultants and small-agency owners): 94.8% on round 19's code, judged round 20: 94.8%; tuned on in round 21 (96.7%) and learned from: spent.</summary>
    private const string SpentHeldOut37 = "heldout-37.jsonl";

    private const double SpentHeldOut37Floor = 0.965;

    /// <summary>Judged round 17 (93.5% before and after); its misses were read when round 18 chose the learned chat reader's threshold, which fixed one of them (94.0%): spent.</summary>
    private const string SpentHeldOut26 = "heldout-26.jsonl";

    private const double SpentHeldOut26Floor = 0.94;

    /// <summary>Judged round 17 (92.0% before, 91.5% after); its misses were read when round 18 chose the learned chat reader's threshold, which fixed three of them (93.0%): spent.</summary>
    private const string SpentHeldOut27 = "heldout-27.jsonl";

    private const double SpentHeldOut27Floor = 0.93;

    /// <summary>Judged round 16 (95.0% before, 94.6% after, two answered as if covered each time), then published and tuned on in round 17 (98.0%, none answered as if covered): spent.</summary>
    private const string SpentHeldOut24 = "heldout-24.jsonl";

    private const double SpentHeldOut24Floor = 0.98;

    /// <summary>Judged round 16 (94.1% before and after, none answered as if covered), then published and tuned on in round 17 (96.6%): spent.</summary>
    private const string SpentHeldOut25 = "heldout-25.jsonl";

    private const double SpentHeldOut25Floor = 0.96;

    /// <summary>Judged round 15 (88.9% before, 89.4% after, one answered as if covered before and none after), then published and tuned on in round 16: spent.</summary>
    private const string SpentHeldOut22 = "heldout-22.jsonl";

    private const double SpentHeldOut22Floor = 0.95;

    /// <summary>Judged round 15 (92.7% before, 93.2% after, none answered as if covered), then published and tuned on in round 16: spent.</summary>
    private const string SpentHeldOut23 = "heldout-23.jsonl";

    private const double SpentHeldOut23Floor = 0.97;

    /// <summary>Judged round 14 (95.0%, one off-topic question answered as if covered), then published and tuned on in round 15: spent.</summary>
    private const string SpentHeldOut20 = "heldout-20.jsonl";

    private const double SpentHeldOut20Floor = 0.97;

    /// <summary>Judged round 14 (93.5%, one answered as if covered), then published and tuned on in round 15: spent.</summary>
    private const string SpentHeldOut21 = "heldout-21.jsonl";

    private const double SpentHeldOut21Floor = 0.98;

    /// <summary>Judged round 13 (94.0% before, 95.0% after, none answered as if covered), then published and tuned on in round 14 (96.5%): spent.</summary>
    private const string SpentHeldOut18 = "heldout-18.jsonl";

    private const double SpentHeldOut18Floor = 0.96;

    /// <summary>Judged round 13 (94.5% before, 97.0% after), then published and tuned on in round 14 (98.5%): spent.</summary>
    private const string SpentHeldOut19 = "heldout-19.jsonl";

    private const double SpentHeldOut19Floor = 0.98;

    /// <summary>Judged round 12 (91.6% before, 91.1% after), then published and tuned on in round 13 (96.5%): spent.</summary>
    private const string SpentHeldOut16 = "heldout-16.jsonl";

    private const double SpentHeldOut16Floor = 0.96;

    /// <summary>Judged round 12 (87.7% before, 88.2% after, two answered as if covered), then published and tuned on in round 13 (93.1%, none answered as if covered): spent.</summary>
    private const string SpentHeldOut17 = "heldout-17.jsonl";

    private const double SpentHeldOut17Floor = 0.93;

    /// <summary>Judged round 11 (94.1% before, 94.6% after), then published and tuned on in round 12: spent.</summary>
    private const string SpentHeldOut14 = "heldout-14.jsonl";

    private const double SpentHeldOut14Floor = 0.97;

    /// <summary>Judged round 11 (95.1% before, 94.7% after), then published and tuned on in round 12: spent.</summary>
    private const string SpentHeldOut15 = "heldout-15.jsonl";

    private const double SpentHeldOut15Floor = 0.98;

    /// <summary>Judged round 10 (92.0% before, 93.5% after), then published and tuned on in round 11: spent.</summary>
    private const string SpentHeldOut12 = "heldout-12.jsonl";

    private const double SpentHeldOut12Floor = 0.95;

    /// <summary>Judged round 10 (94.0% before, 95.5% after, one answered as if covered), then published and tuned on in round 11: spent.</summary>
    private const string SpentHeldOut13 = "heldout-13.jsonl";

    private const double SpentHeldOut13Floor = 0.98;

    /// <summary>Judged round 9 (91.5% before, 93.0% after), then published and tuned on in round 10: spent (one off-topic question, "what time is the study group tonight", still answered as if covered).</summary>
    private const string SpentHeldOut10 = "heldout-10.jsonl";

    private const double SpentHeldOut10Floor = 0.96;

    /// <summary>Judged round 9 (88.7% before, 91.1% after), then published and tuned on in round 10: spent.</summary>
    private const string SpentHeldOut11 = "heldout-11.jsonl";

    private const double SpentHeldOut11Floor = 0.98;

    /// <summary>Judged round 8 (96.5%), then published and tuned on in round 9 (98.5%): spent.</summary>
    private const string SpentHeldOut8 = "heldout-8.jsonl";

    private const double SpentHeldOut8Floor = 0.98;

    /// <summary>Measured once on round 8's code (87.0%), then published and tuned on in round 9 (96.5%): spent.</summary>
    private const string SpentHeldOut9 = "heldout-9.jsonl";

    private const double SpentHeldOut9Floor = 0.96;

    /// <summary>
    /// Written blind (articles and section list only, by a helper session that saw no code and no other set) while round
    /// 7 was being made and kept outside the repository; judged round 7: 84.0% before (commit 8975673), 86.5% after
    /// (8001731), 2 off-topic or unknown-role questions answered as if covered. Its misses were then published and
    /// tuned on in round 8 (docs/quality.md): a spent set now, guarded at its figure after round 8.
    /// </summary>
    private const string SpentHeldOut7 = "heldout-7.jsonl";

    private const double SpentHeldOut7Floor = 0.94;

    /// <summary>Judged round 6 (82.8% before, 83.9% after; 86.1% re-judged when comparisons' aspects could be named by heading); spent, tuned on in round 7.</summary>
    private const string SpentHeldOut6 = "heldout-6.jsonl";

    private const double SpentHeldOut6Floor = 0.95;

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

    private static readonly string[] DevSets = ["dev.jsonl", "dev-b.jsonl", "dev-c.jsonl", "dev-d.jsonl", "dev-e.jsonl", "dev-f.jsonl", "dev-g.jsonl", "dev-i.jsonl", "heldout.jsonl", "heldout-2.jsonl", "heldout-3.jsonl"];

    /// <summary>The held-out sets of rounds 5 to 22, judged once and then tuned on: counted with the dev sets.</summary>
    private static readonly string[] SpentSets =
    [
        SpentHeldOut5, SpentHeldOut6, SpentHeldOut7, SpentHeldOut8, SpentHeldOut9, SpentHeldOut10, SpentHeldOut11, SpentHeldOut12,
        SpentHeldOut13, SpentHeldOut14, SpentHeldOut15, SpentHeldOut16, SpentHeldOut17, SpentHeldOut18, SpentHeldOut19, SpentHeldOut20,
        SpentHeldOut21, SpentHeldOut22, SpentHeldOut23, SpentHeldOut24, SpentHeldOut25, SpentHeldOut26, SpentHeldOut27, SpentHeldOut36,
        SpentHeldOut37, SpentHeldOut38, SpentHeldOut39,
    ];

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
    [InlineData(HeldOutB, HeldOutBFloor, HeldOutBAnsweredAsCovered)]
    [InlineData(JudgedHeldOut30, JudgedHeldOut30Floor, 0)]
    [InlineData(JudgedHeldOut31, JudgedHeldOut31Floor, 0)]
    [InlineData(JudgedHeldOut32, JudgedHeldOut32Floor, 0)]
    [InlineData(JudgedHeldOut33, JudgedHeldOut33Floor, 0)]
    [InlineData(SpentHeldOut38, SpentHeldOut38Floor, 1)]
    [InlineData(SpentHeldOut39, SpentHeldOut39Floor, 1)]
    [InlineData(SpentHeldOut36, SpentHeldOut36Floor, 0)]
    [InlineData(SpentHeldOut37, SpentHeldOut37Floor, 0)]
    [InlineData(SpentHeldOut26, SpentHeldOut26Floor, 0)]
    [InlineData(SpentHeldOut27, SpentHeldOut27Floor, 0)]
    [InlineData(SpentHeldOut24, SpentHeldOut24Floor, 0)]
    [InlineData(SpentHeldOut25, SpentHeldOut25Floor, 0)]
    [InlineData(SpentHeldOut22, SpentHeldOut22Floor, 0)]
    [InlineData(SpentHeldOut23, SpentHeldOut23Floor, 0)]
    [InlineData(SpentHeldOut20, SpentHeldOut20Floor, 0)]
    [InlineData(SpentHeldOut21, SpentHeldOut21Floor, 0)]
    [InlineData(SpentHeldOut18, SpentHeldOut18Floor, 0)]
    [InlineData(SpentHeldOut19, SpentHeldOut19Floor, 0)]
    [InlineData(SpentHeldOut16, SpentHeldOut16Floor, 0)]
    [InlineData(SpentHeldOut17, SpentHeldOut17Floor, 0)]
    [InlineData(SpentHeldOut14, SpentHeldOut14Floor, 0)]
    [InlineData(SpentHeldOut15, SpentHeldOut15Floor, 0)]
    [InlineData(SpentHeldOut12, SpentHeldOut12Floor, 0)]
    [InlineData(SpentHeldOut13, SpentHeldOut13Floor, 0)]
    [InlineData(SpentHeldOut10, SpentHeldOut10Floor, 1)]
    [InlineData(SpentHeldOut11, SpentHeldOut11Floor, 0)]
    [InlineData(SpentHeldOut8, SpentHeldOut8Floor, 0)]
    [InlineData(SpentHeldOut9, SpentHeldOut9Floor, 0)]
    [InlineData(SpentHeldOut6, SpentHeldOut6Floor, 0)]
    [InlineData(SpentHeldOut7, SpentHeldOut7Floor, 2)]
    [MemberData(nameof(JudgedRound23Data))]
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
    [InlineData("dev-i.jsonl")]
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
        var sets = DevSets.Concat(SpentSets).Append(HeldOutB).Append(HeldOut).ToDictionary(f => f, f => EvalSet.ReadFile(Path.Combine(EvalKnowledge.QualityFolder, f)).Cases);
        Assert.True(sets.Values.Sum(c => c.Count) >= 300);
        Assert.True(sets[HeldOut].Count >= 100);

        var sectionIds = EvalKnowledge.Snapshot.Sections.Select(s => s.Id).ToList();
        Assert.Contains(sectionIds, id => id.EndsWith(".md#skills/prompt-engineer", StringComparison.Ordinal)); // the Markdown article is in
        var parts = new Dictionary<string, List<EvalCase>>
        {
            ["the dev sets"] = [.. DevSets.Concat(SpentSets).SelectMany(f => sets[f])],
            [HeldOut] = [.. sets[HeldOut]],
            [HeldOutB] = [.. sets[HeldOutB]],
        };
        foreach (var (file, cases) in parts)
        {
            var cited = cases.Where(c => c.Expect == "answer").SelectMany(c => c.Sections).ToHashSet();
            Assert.True(sectionIds.All(cited.Contains), $"{file} asks about no section of: {string.Join(", ", sectionIds.Where(id => !cited.Contains(id)))}");
            Assert.Equal(EvalSet.Kinds.Order(), cases.Select(c => c.Expect).Distinct().Order());
        }

        // Follow-ups (questions with a history) are judged by both parts.
        Assert.Contains(parts["the dev sets"], c => c.History.Count > 0);
        Assert.Contains(parts[HeldOut], c => c.History.Count > 0);
        Assert.Contains(parts[HeldOutB], c => c.History.Count > 0);
    }
}
