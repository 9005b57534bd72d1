using Advisor.Core.Answers;
using Advisor.Core.Semantic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Advisor.Core.Tests;

public sealed class AdvisorServiceTests
{
    [Fact]
    public async Task The_pipeline_answers_through_the_kernel_plugin_with_citations()
    {
        using var services = TestKnowledge.Services();
        var advisor = services.GetRequiredService<IAdvisor>();
        var answer = await advisor.AskAsync(new AdvisorQuestion("Which industries hire AI architects?", [], "test"));
        Assert.False(answer.Abstained);
        Assert.Equal(("Common Industries", "AI Architect"), (answer.Citations[0].Section, answer.Citations[0].Role));
        Assert.Equal(advisor.Knowledge.Version, answer.KnowledgeVersion);

        var kernel = services.GetRequiredService<Kernel>();
        Assert.True(kernel.Plugins.TryGetFunction(KnowledgePlugin.PluginName, "search_sections", out _));
        Assert.True(kernel.Plugins.TryGetFunction(KnowledgePlugin.PluginName, KnowledgePlugin.RetrieveFunction, out _));
    }

    [Fact]
    public async Task A_question_is_counted_even_when_the_reader_stops_at_the_first_whole_answer()
    {
        using var services = TestKnowledge.Services();
        // Metrics of this advisor only: its own meter factory, and a collector scoped to it (other tests share the meter name).
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var advisor = ActivatorUtilities.CreateInstance<AdvisorService>(services, new AdvisorMetrics(factory));
        using var questions = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(factory, AdvisorMetrics.MeterName, "advisor.questions");

        var platform = "probe-" + Guid.NewGuid().ToString("N"); // other tests answer on the same meter name at the same time

        // As a platform reply does: take the first update that carries the whole answer and stop reading.
        await foreach (var update in advisor.AskStreamingAsync(new AdvisorQuestion("What skills does an AI Architect need?", [], platform)))
        {
            if (update.Final is not null)
            {
                break;
            }
        }

        var measured = Assert.Single(questions.GetMeasurementSnapshot(), m => Equals(m.Tags["platform"], platform));
        Assert.Equal(1, measured.Value);
    }

    [Theory]
    [InlineData("/frobnicate", AnswerKind.Command, "Unknown command “/frobnicate”")]
    [InlineData("/help", AnswerKind.Command, "Commands:")]
    [InlineData("/roles", AnswerKind.Command, "- AI Scientist")]
    [InlineData("/compare ai architect vs mlre skills", AnswerKind.Comparison, "Skills:")]
    [InlineData("/compare nurse vs mlre", AnswerKind.Command, "I don't know the role \"nurse\"")]
    [InlineData("/ask what skills does an ai architect need", AnswerKind.Answer, "Required Skills")]
    public async Task A_command_typed_in_a_message_is_answered_the_same_on_every_platform(string text, AnswerKind kind, string expected)
    {
        using var services = TestKnowledge.Services();
        var advisor = services.GetRequiredService<IAdvisor>();

        foreach (var platform in new[] { "slack", "discord", "console" })
        {
            var answer = await advisor.AskAsync(new AdvisorQuestion(text, [], platform));
            Assert.Equal(kind, answer.Kind);
            Assert.Contains(expected, answer.Text, StringComparison.Ordinal);
            Assert.False(answer.Abstained);
            if (kind == AnswerKind.Comparison)
            {
                Assert.Contains(answer.Citations, c => c.Role == "AI Architect");
                Assert.Contains(answer.Citations, c => c.Role == "Machine Learning Research Engineer");
            }
        }
    }

    [Fact]
    public async Task Streaming_ends_with_the_final_answer()
    {
        using var services = TestKnowledge.Services();
        var advisor = services.GetRequiredService<IAdvisor>();
        var updates = new List<AnswerUpdate>();
        await foreach (var u in advisor.AskStreamingAsync(AdvisorQuestion.Simple("What does an AI scientist do?")))
        {
            updates.Add(u);
        }

        Assert.NotNull(updates[^1].Final);
        Assert.Equal(updates[^1].Final!.Text, string.Concat(updates.Select(u => u.TextDelta)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_question_is_refused_with_a_clear_message(string text)
    {
        using var services = TestKnowledge.Services();
        var ex = await Assert.ThrowsAsync<InvalidQuestionException>(() => services.GetRequiredService<IAdvisor>().AskAsync(AdvisorQuestion.Simple(text)));
        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_6000_character_question_is_refused_with_its_length_and_the_limit()
    {
        using var services = TestKnowledge.Services();
        var ex = await Assert.ThrowsAsync<InvalidQuestionException>(() => services.GetRequiredService<IAdvisor>().AskAsync(AdvisorQuestion.Simple(new string('a', 6000))));
        Assert.Contains("6,000", ex.Message, StringComparison.Ordinal);
        Assert.Contains("4,000", ex.Message, StringComparison.Ordinal);
        Assert.Null(QuestionValidation.Problem(new string('a', 4000)));
    }

    [Fact]
    public void Search_tool_returns_ids_labels_and_text_for_a_model()
    {
        using var services = TestKnowledge.Services();
        var hits = services.GetRequiredService<KnowledgePlugin>().SearchSections("AI Architect education", 3);
        Assert.Equal(3, hits.Count);
        Assert.Equal("ai-architect-vs-ml-research-engineer.txt#educational-backgrounds/ai-architect", hits[0].Id);
    }

    [Fact]
    public void Prompt_library_loads_templates_and_reports_broken_ones()
    {
        using var folder = new TempFolder();
        folder.Write("answer/skprompt.txt", "Question: {{$question}}\nSections: {{$sections}}");
        folder.Write("compare/skprompt.txt", "Compare {{$roleA}} and {{$roleB}}");
        folder.Write("compare/config.json", "{ \"description\": \"compare two roles\", \"input_variables\": [{\"name\": \"roleA\"}, {\"name\": \"roleB\"}] }");
        folder.Write("broken/skprompt.txt", "{{$unclosed");
        folder.Write("badconfig/skprompt.txt", "ok");
        folder.Write("badconfig/config.json", "{ not json");
        var library = PromptLibrary.Load(folder.Path);
        Assert.Contains(PromptLibrary.Answer, library.Names);
        Assert.Equal("compare two roles", library.Get(PromptLibrary.Compare)!.Description);
        Assert.Contains(library.Errors, e => e.StartsWith("prompts/badconfig", StringComparison.Ordinal));
        Assert.DoesNotContain("badconfig", library.Names);
    }

    [Fact]
    public void The_repository_prompts_load_without_errors()
    {
        var library = PromptLibrary.Load(Path.Combine(TestKnowledge.RepoRoot, "prompts"));
        Assert.Empty(library.Errors);
    }
}
