using System.Text;
using System.Text.Json;
using Advisor.Core.Answers;
using Advisor.Core.Retrieval;
using Xunit.Abstractions;

namespace Advisor.Core.Tests;

/// <summary>
/// The dev question set (DevSet/questions.jsonl): questions written from the articles — paraphrased, with typos,
/// and off-topic ones — each with the article, section and role that should answer it (several where two
/// articles genuinely both answer). Top-1 is the first citation of the answer a user sees.
/// </summary>
public sealed class DevSetTests(ITestOutputHelper output)
{
    private sealed record Item(string Question, IReadOnlyList<(string File, string Section, string? Role)> Expect, bool Abstain);

    private static List<Item> Load()
    {
        var items = new List<Item>();
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "DevSet", "questions.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var expect = root.TryGetProperty("expect", out var e)
                ? e.EnumerateArray().Select(x => (x[0].GetString()!, x[1].GetString()!, x[2].ValueKind == JsonValueKind.Null ? null : x[2].GetString())).ToList()
                : [];
            items.Add(new Item(root.GetProperty("question").GetString()!, expect, root.TryGetProperty("abstain", out var a) && a.GetBoolean()));
        }

        return items;
    }

    [Fact]
    public void The_dev_set_has_at_least_40_questions_with_off_topic_ones()
    {
        var items = Load();
        Assert.True(items.Count >= 40, $"{items.Count} questions");
        Assert.True(items.Count(i => i.Abstain) >= 8);
        Assert.All(items.Where(i => !i.Abstain), i => Assert.NotEmpty(i.Expect));
    }

    [Fact]
    public void Top1_accuracy_is_at_least_90_percent_and_every_off_topic_question_abstains()
    {
        var knowledge = TestKnowledge.Snapshot;
        var items = Load();
        var report = new StringBuilder();
        int inScope = 0, correct = 0, offTopicAnswered = 0;
        foreach (var item in items)
        {
            var answer = ExtractiveComposer.Compose(Retriever.Retrieve(knowledge, item.Question, []));
            if (item.Abstain)
            {
                if (!answer.Abstained)
                {
                    offTopicAnswered++;
                    report.AppendLine($"ANSWERED OFF-TOPIC: {item.Question} -> {answer.Citations.FirstOrDefault()?.Label}");
                }

                continue;
            }

            inScope++;
            var top = answer.Citations.FirstOrDefault();
            var ok = !answer.Abstained && top is not null && item.Expect.Any(x => x.File == top.File && x.Section == top.Section && x.Role == top.Role);
            if (ok)
            {
                correct++;
            }
            else
            {
                report.AppendLine($"MISS: {item.Question} -> {(answer.Abstained ? "(abstained)" : top?.Label)}; expected {item.Expect[0].Section} › {item.Expect[0].Role}");
            }
        }

        var accuracy = (double)correct / inScope;
        output.WriteLine($"top-1 {correct}/{inScope} = {accuracy:P1}; off-topic answered: {offTopicAnswered}");
        output.WriteLine(report.ToString());
        Assert.True(accuracy >= 0.90, $"top-1 accuracy {accuracy:P1} is below 90%\n{report}");
        Assert.True(offTopicAnswered == 0, $"off-topic questions answered instead of abstaining:\n{report}");
    }
}
