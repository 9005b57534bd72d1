using Advisor.Core.Comparison;
using Advisor.Core.Knowledge;
using Advisor.Discord.Messages;
using Advisor.Testing;

namespace Advisor.Discord.Tests;

public sealed class ComparisonFormatTests
{
    private static readonly Lazy<KnowledgeSnapshot> Knowledge = new(() => KnowledgeSnapshot.Load(Path.Combine(RepoPaths.RepoRoot(), "knowledge")));

    private static int Occurrences(IEnumerable<string> texts, string part) =>
        texts.Sum(t => (t.Length - t.Replace(part, "", StringComparison.Ordinal).Length) / part.Length);

    [Fact]
    public void A_row_one_section_answers_for_both_roles_is_one_both_line()
    {
        var comparison = RoleComparer.Compare(Knowledge.Value, "AI Architect", "MLRE").Comparison!;
        var shared = comparison.Rows.Single(r => r.Aspect == "getting-started").Both;
        Assert.NotNull(shared);

        var messages = DiscordFormatter.Comparison(comparison);
        var embeds = messages.SelectMany(m => m.Embeds!).ToList();
        var fields = embeds.SelectMany(e => e.Fields ?? []).ToList();

        var field = Assert.Single(fields, f => f.Name == "Getting Started");
        Assert.StartsWith("**Both**: ", field.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("**AI Architect**", field.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", field.Value, StringComparison.Ordinal);
        var texts = fields.Select(f => f.Value).Concat(embeds.Select(e => e.Description ?? "")).ToList();
        Assert.Equal(1, Occurrences(texts, shared.Points[0]));
        Assert.Equal(1, Occurrences(texts, "› Practical Tips for Getting Started"));

        var skills = Assert.Single(fields, f => f.Name == "Skills");
        Assert.StartsWith("**AI Architect**: ", skills.Value, StringComparison.Ordinal);
        Assert.Contains("\n**Machine Learning Research Engineer**: ", skills.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_full_comparison_of_the_knowledge_roles_stays_within_discord_limits()
    {
        var roles = Knowledge.Value.Catalog.Roles.Select(r => r.Name).ToList();
        var pairs = 0;
        for (var i = 0; i < roles.Count; i++)
        {
            for (var j = i + 1; j < roles.Count; j++)
            {
                var outcome = RoleComparer.Compare(Knowledge.Value, roles[i], roles[j]);
                Assert.True(outcome.Succeeded, outcome.Error);
                var messages = DiscordFormatter.Comparison(outcome.Comparison!);
                foreach (var embed in messages.SelectMany(m => m.Embeds!))
                {
                    Assert.InRange(embed.Title!.Length, 1, DiscordFormatter.TitleLimit);
                    Assert.InRange(embed.Description?.Length ?? 0, 0, DiscordFormatter.DescriptionLimit);
                    Assert.InRange(embed.Fields?.Count ?? 0, 0, DiscordFormatter.MaxFields);
                    Assert.All(embed.Fields ?? [], f =>
                    {
                        Assert.InRange(f.Name.Length, 1, DiscordFormatter.FieldNameLimit);
                        Assert.InRange(f.Value.Length, 1, DiscordFormatter.FieldValueLimit);
                    });
                    var total = embed.Title.Length + (embed.Description?.Length ?? 0) + (embed.Fields ?? []).Sum(f => f.Name.Length + f.Value.Length);
                    Assert.True(total <= DiscordFormatter.EmbedTotalLimit, $"embed total {total}");
                }

                var names = messages.SelectMany(m => m.Embeds!).SelectMany(e => e.Fields ?? []).Select(f => f.Name).ToList();
                Assert.Equal(outcome.Comparison!.Rows.Select(r => r.AspectTitle), names);
                pairs++;
            }
        }

        Assert.True(pairs >= 10, $"{pairs} pairs compared");
    }
}
