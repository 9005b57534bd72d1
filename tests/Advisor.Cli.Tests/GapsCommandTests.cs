using System.Text.Json;
using Advisor.Cli;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Retrieval;
using Advisor.Storage;
using Advisor.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Cli.Tests;

/// <summary><c>advisor gaps</c>: the questions the knowledge could not answer, grouped, from a SQLite question log.</summary>
public sealed class GapsCommandTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "advisor-cli-gaps-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private IConfiguration Configuration() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Advisor:KnowledgePath"] = Path.Combine(RepoPaths.RepoRoot(), "knowledge"),
        ["Advisor:Data:Folder"] = _data,
    }).Build();

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new CliApp(new StringReader(""), output, error).RunAsync(args, Configuration(), static (services, config) => services.AddAdvisorStorage(config));
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Asks each question through the real reader and keeps the turn (and a 👎) as the bot would.</summary>
    private async Task Seed(params (string Question, string? Missing)[] turns)
    {
        var services = new ServiceCollection();
        services.AddAdvisorCore(Configuration());
        services.AddAdvisorStorage(Configuration());
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IConversationStore>();
        var knowledge = provider.GetRequiredService<IAdvisor>().Knowledge;
        var n = 0;
        foreach (var (question, missing) in turns)
        {
            var answer = ExtractiveComposer.Compose(Retriever.Retrieve(knowledge, question, []));
            var id = await store.AppendTurnAsync(TurnRecord.From($"slack:T1:C1:{n++}", "slack", "hash-" + n, question, answer, TimeSpan.FromMilliseconds(2)));
            if (missing is not null)
            {
                await store.RecordFeedbackAsync(id, new TurnFeedback(FeedbackRating.Down, missing));
            }
        }
    }

    [Fact]
    public async Task Gaps_groups_uncovered_roles_topics_unanswered_questions_and_thumbs_down_largest_first()
    {
        await Seed(
            ("what does a data analyst do", null),
            ("data analysts, what skills do they need?", null),
            ("how do i become a data analyst", null),
            ("can ai architects work remotely", null),
            ("do ai scientists get to work from home", null),
            ("best pizza in town?", null),
            ("what skills does an AI Architect need?", "nothing about certifications"),
            ("What skills does an AI Architect need?", null));

        var (code, text, error) = await Run("gaps", "--since", "1d");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("3 questions — a role the articles don't cover: data analyst", text, StringComparison.Ordinal);
        Assert.Contains("2 questions — a topic the articles don't cover", text, StringComparison.Ordinal);
        Assert.Contains("“best pizza in town?”", text, StringComparison.Ordinal);
        Assert.Contains("answers that got a thumbs-down, from AI Architect vs. Machine Learning Research Engineer › Required Skills › AI Architect", text, StringComparison.Ordinal);
        Assert.Contains("missing: “nothing about certifications”", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("data analyst", StringComparison.Ordinal) < text.IndexOf("don't cover: remote", StringComparison.Ordinal) || !text.Contains("don't cover: remote", StringComparison.Ordinal));
        Assert.DoesNotContain("hash-", text, StringComparison.Ordinal); // nothing identifies a user

        var (jsonCode, json, _) = await Run("gaps", "--json", "--max", "2");
        Assert.Equal(0, jsonCode);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(8, document.RootElement.GetProperty("questions").GetInt32());
        var gaps = document.RootElement.GetProperty("gaps");
        Assert.Equal(2, gaps.GetArrayLength());
        Assert.Equal("uncovered-role", gaps[0].GetProperty("kind").GetString());
        Assert.Equal(3, gaps[0].GetProperty("count").GetInt32());
        Assert.Equal(3, gaps[0].GetProperty("examples").GetArrayLength());
        Assert.NotNull(gaps[0].GetProperty("closest_section").GetString());
    }

    [Fact]
    public async Task Gaps_refuses_bad_options_and_says_when_nothing_is_kept()
    {
        Assert.Equal(2, (await Run("gaps", "--since", "yesterday")).Code);
        Assert.Equal(2, (await Run("gaps", "--max", "0")).Code);
        Assert.Equal(2, (await Run("ask", "hi", "--since", "7d")).Code);

        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new CliApp(new StringReader(""), output, error).RunAsync(["gaps"], Configuration());
        Assert.Equal(1, code);
        Assert.Contains("no durable store", error.ToString(), StringComparison.Ordinal);
    }
}
