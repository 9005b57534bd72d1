using System.Text.Json.Nodes;
using Advisor.Core.Comparison;
using Advisor.Core.Knowledge;
using Advisor.Testing;


namespace Advisor.Slack.Tests;

public sealed class SlackComparisonRenderingTests
{
    private static readonly Lazy<KnowledgeSnapshot> Knowledge = new(() => KnowledgeSnapshot.Load(Path.Combine(RepoPaths.RepoRoot(), "knowledge")));

    /// <summary>Every mrkdwn text in the blocks: section texts, field texts and context elements.</summary>
    private static List<string> Texts(IEnumerable<JsonObject> blocks) =>
        blocks.SelectMany(b => new[] { b["text"] }
                .Concat(b["fields"]?.AsArray() ?? [])
                .Concat(b["elements"]?.AsArray() ?? []))
            .OfType<JsonNode>()
            .Select(n => n is JsonObject o && o["text"] is JsonValue v ? (string)v! : n is JsonValue s ? (string)s! : null)
            .OfType<string>()
            .ToList();

    private static int Occurrences(IEnumerable<string> texts, string part) =>
        texts.Sum(t => (t.Length - t.Replace(part, "", StringComparison.Ordinal).Length) / part.Length);

    [Fact]
    public void A_row_one_section_answers_for_both_roles_is_shown_once_as_both()
    {
        var comparison = RoleComparer.Compare(Knowledge.Value, "AI Architect", "MLRE").Comparison!;
        var shared = comparison.Rows.Single(r => r.Aspect == "outlook").Both;
        Assert.NotNull(shared);

        var blocks = SlackRenderer.ComparisonSections(comparison).SelectMany(m => m.Blocks).ToList();

        var title = blocks.FindIndex(b => (string?)b["text"]?["text"] == "*Outlook*");
        Assert.True(title >= 0, "the Outlook row is rendered");
        var cell = blocks[title + 1];
        Assert.Null(cell["fields"]);
        var text = (string)cell["text"]!["text"]!;
        Assert.StartsWith("*Both*\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("*AI Architect*", text, StringComparison.Ordinal);
        var texts = Texts(blocks);
        Assert.All(shared.Points, p => Assert.Equal(1, Occurrences(texts, SlackRenderer.Escape(p))));
        Assert.Equal(1, Occurrences(texts, "› Outlooks"));

        // A row with a section per role still shows the two roles side by side.
        var skills = blocks[blocks.FindIndex(b => (string?)b["text"]?["text"] == "*Skills*") + 1];
        var fields = skills["fields"]!.AsArray();
        Assert.Equal(2, fields.Count);
        Assert.StartsWith("*AI Architect*", (string?)fields[0]!["text"], StringComparison.Ordinal);
        Assert.StartsWith("*Machine Learning Research Engineer*", (string?)fields[1]!["text"], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_full_comparison_of_the_knowledge_roles_stays_within_slack_limits()
    {
        var roles = Knowledge.Value.Catalog.Roles.Select(r => r.Name).ToList();
        var pairs = 0;
        for (var i = 0; i < roles.Count; i++)
        {
            for (var j = i + 1; j < roles.Count; j++)
            {
                var outcome = RoleComparer.Compare(Knowledge.Value, roles[i], roles[j]);
                Assert.True(outcome.Succeeded, outcome.Error);
                var messages = SlackRenderer.ComparisonSections(outcome.Comparison!);
                foreach (var m in messages)
                {
                    Assert.InRange(m.Blocks.Count, 1, SlackRenderer.MaxBlocksPerMessage);
                    Assert.InRange(m.Blocks.Sum(b => b.ToJsonString().Length), 1, SlackRenderer.MaxCharsPerMessage);
                    Assert.InRange(m.Text.Length, 1, 3000);
                    foreach (var b in m.Blocks)
                    {
                        Assert.InRange(((string?)b["text"]?["text"])?.Length ?? 0, 0, SlackRenderer.MaxSectionText);
                        Assert.InRange(b["fields"]?.AsArray().Count ?? 0, 0, 10);
                        Assert.All(b["fields"]?.AsArray() ?? [], f => Assert.InRange(((string)f!["text"]!).Length, 1, SlackRenderer.MaxFieldText));
                        Assert.InRange(b["elements"]?.AsArray().Count ?? 0, 0, SlackRenderer.MaxContextElements);
                    }
                }

                var titles = messages.SelectMany(m => m.Blocks).Select(b => (string?)b["text"]?["text"]).ToList();
                Assert.All(outcome.Comparison!.Rows, r => Assert.Contains($"*{r.AspectTitle}*", titles));
                pairs++;
            }
        }

        Assert.True(pairs >= 10, $"{pairs} pairs compared");
    }

    [Fact]
    public void Every_full_comparison_of_the_knowledge_roles_is_one_table_with_a_row_per_aspect_and_a_citation_per_cell()
    {
        var roles = Knowledge.Value.Catalog.Roles.Select(r => r.Name).ToList();
        for (var i = 0; i < roles.Count; i++)
        {
            for (var j = i + 1; j < roles.Count; j++)
            {
                var comparison = RoleComparer.Compare(Knowledge.Value, roles[i], roles[j]).Comparison!;
                var messages = SlackRenderer.Comparison(comparison);
                var message = Assert.Single(messages);
                var table = Assert.Single(message.Blocks, b => (string?)b["type"] == "table");
                var rows = table["rows"]!.AsArray();
                Assert.Equal(comparison.Rows.Count + 1, rows.Count);
                Assert.Equal(["Aspect", comparison.RoleA, comparison.RoleB], rows[0]!.AsArray().Select(c => (string?)c!["text"]));

                var citationCount = message.Blocks.Where(b => (string?)b["type"] == "context").Sum(b => b["elements"]!.AsArray().Count);
                for (var r = 0; r < comparison.Rows.Count; r++)
                {
                    var cells = rows[r + 1]!.AsArray();
                    Assert.Equal(3, cells.Count);
                    Assert.Equal(comparison.Rows[r].AspectTitle, (string?)cells[0]!["text"]);
                    foreach (var (cell, source) in new[] { (cells[1]!, comparison.Rows[r].Both ?? comparison.Rows[r].A), (cells[2]!, comparison.Rows[r].Both ?? comparison.Rows[r].B) })
                    {
                        Assert.Equal("raw_text", (string?)cell["type"]);
                        var text = (string)cell["text"]!;
                        Assert.InRange(text.Length, 1, SlackRenderer.MaxTableCellText);
                        if (source is not null)
                        {
                            // Each cell ends with the number of its citation, which is listed under the table.
                            var match = System.Text.RegularExpressions.Regex.Match(text, @"\[(\d+)\]$");
                            Assert.True(match.Success, text);
                            Assert.InRange(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1, citationCount);
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void A_comparison_too_large_for_a_table_falls_back_to_sections()
    {
        var comparison = RoleComparer.Compare(Knowledge.Value, Knowledge.Value.Catalog.Roles[0].Name, Knowledge.Value.Catalog.Roles[1].Name).Comparison!;
        var row = comparison.Rows.First(r => r.A is not null);
        var huge = row with { A = row.A! with { Points = [new string('x', SlackRenderer.MaxTableCellText + 1)] } };
        var big = comparison with { Rows = [huge, .. comparison.Rows.Skip(1)] };

        Assert.Null(SlackRenderer.ComparisonTable(big));
        var blocks = SlackRenderer.Comparison(big).SelectMany(m => m.Blocks).ToList();
        Assert.DoesNotContain(blocks, b => (string?)b["type"] == "table");
        Assert.Contains(blocks, b => b["fields"] is not null);

        var many = comparison with { Rows = [.. Enumerable.Repeat(comparison.Rows[0], SlackRenderer.MaxTableRows)] };
        Assert.Null(SlackRenderer.ComparisonTable(many));
    }
}
