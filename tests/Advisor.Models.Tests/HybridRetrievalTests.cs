using Advisor.Core.Answers;
using Advisor.Core.Retrieval;
using Advisor.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Models.Tests;

public sealed class HybridRetrievalTests : IAsyncLifetime
{
    private FakeModelServer _server = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeModelServer.StartAsync();
        _dir = Paths.TempCopy();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Vectors_are_fused_by_rank_and_cached_so_a_reload_embeds_only_changed_sections()
    {
        const string question = "Which tools should an AI Scientist know?";
        var host = CreateHost();
        var knowledge = host.Advisor.Knowledge;
        var lexical = Retriever.Retrieve(knowledge, question, []);
        Assert.True(lexical.InScope);

        // The embedding server says the question means a section the lexical ranking did not find.
        var target = knowledge.Sections.First(s => lexical.Ranked.All(r => r.Section.Id != s.Id) && s.Role is not null);
        _server.Embed = text => text == question ? FakeModelServer.BagOfWords(EmbeddingIndex.EmbeddedText(target)) : FakeModelServer.BagOfWords(text);

        // The sections are embedded in the background, once each, without any question asked.
        await host.VectorsReadyAsync();
        var distinctTexts = knowledge.Sections.Select(EmbeddingIndex.EmbeddedText).Distinct().Count();
        Assert.Equal(distinctTexts, TakeEmbedded().Count);

        // A question embeds only itself.
        var refined = await Refine(host, question);
        Assert.Contains(refined.Ranked, r => r.Section.Id == target.Id);
        Assert.Equal(lexical.InScope, refined.InScope);
        Assert.Equal([question], TakeEmbedded());

        // Change one section and reload: only what changed is embedded.
        var before = knowledge.Sections.Select(EmbeddingIndex.EmbeddedText).ToHashSet();
        var file = Path.Combine(_dir, "knowledge", "ai-architect-vs-ml-research-engineer.txt");
        const string anchor = "An AI Architect is responsible for designing";
        File.WriteAllText(file, File.ReadAllText(file).Replace(anchor, "An AI Architect, as a rule, is responsible for designing", StringComparison.Ordinal));
        var report = await host.Advisor.ReloadAsync();
        Assert.True(report.Succeeded);
        var changed = host.Advisor.Knowledge.Sections.Select(EmbeddingIndex.EmbeddedText).Where(t => !before.Contains(t)).Distinct().ToList();
        Assert.NotEmpty(changed);
        await host.VectorsReadyAsync();
        Assert.Equal(changed.Order(), TakeEmbedded().Order());
        await Refine(host, question);
        Assert.Equal([question], TakeEmbedded());
        Assert.Empty(host.DegradedReasons());
        await host.DisposeAsync();

        // A restart reads the vectors from the disk cache.
        var cacheFiles = Directory.GetFiles(Path.Combine(_dir, ".advisor-cache", "embeddings"));
        Assert.Single(cacheFiles);
        await using var restarted = CreateHost();
        await restarted.VectorsReadyAsync();
        await Refine(restarted, question);
        Assert.Equal([question], TakeEmbedded());
    }

    [Fact]
    public async Task The_model_sees_the_fused_sections()
    {
        const string question = "Which tools should an AI Scientist know?";
        await using var host = CreateHost();
        var lexical = Retriever.Retrieve(host.Advisor.Knowledge, question, []);
        var target = host.Advisor.Knowledge.Sections.First(s => lexical.Ranked.All(r => r.Section.Id != s.Id) && s.Role is not null);
        _server.Embed = text => text == question ? FakeModelServer.BagOfWords(EmbeddingIndex.EmbeddedText(target)) : FakeModelServer.BagOfWords(text);
        _server.Enqueue(seen => new Reply.Text($"See [[{target.Id} | \"{Scripts.QuoteOf(host.Advisor, target.Id)}\"]]."));
        await host.VectorsReadyAsync();

        var (answer, _) = await host.AskAsync(question);

        Assert.Contains(target.Id, Assert.Single(_server.Chats).SectionIds);
        Assert.Equal(target.Id, Assert.Single(answer.Citations).SectionId);
    }

    [Fact]
    public async Task A_follow_up_embeds_the_roles_it_carried_over_from_the_conversation()
    {
        await using var host = CreateHost();
        await host.VectorsReadyAsync();
        TakeEmbedded();
        var history = new[] { new ConversationTurn("What does an AI Architect do?", null) };
        const string followUp = "And which tools?";
        var lexical = Retriever.Retrieve(host.Advisor.Knowledge, followUp, history);
        Assert.True(lexical.Query.RolesFromHistory);

        await Assert.Single(host.Services.GetServices<IRetrievalRefiner>())
            .RefineAsync(new AdvisorQuestion(followUp, history), lexical, CancellationToken.None);

        var embedded = Assert.Single(TakeEmbedded());
        Assert.StartsWith(followUp, embedded, StringComparison.Ordinal);
        Assert.Contains("AI Architect", embedded, StringComparison.Ordinal);

        // A follow-up that names a new role but no aspect carries the earlier question's aspect.
        var skills = new[] { new ConversationTurn(Scripts.SkillsQuestion, null) };
        const string whatAbout = "What about an AI Scientist?";
        var carried = Retriever.Retrieve(host.Advisor.Knowledge, whatAbout, skills).Query;
        Assert.Equal("skills", carried.Aspect);
        Assert.Equal(whatAbout + "\nSkills", HybridRetrievalRefiner.QueryText(new AdvisorQuestion(whatAbout, skills), carried));

        // A question that names its own role and aspect embeds just its text.
        Assert.Equal(Scripts.SkillsQuestion, HybridRetrievalRefiner.QueryText(
            new AdvisorQuestion(Scripts.SkillsQuestion, history), Retriever.Retrieve(host.Advisor.Knowledge, Scripts.SkillsQuestion, history).Query));
    }

    [Fact]
    public async Task When_the_question_cannot_be_embedded_retrieval_stays_lexical_and_is_counted_once_as_degraded()
    {
        await using var host = CreateHost();
        await host.VectorsReadyAsync();
        _server.Embed = text => text == Scripts.SkillsQuestion ? throw new InvalidOperationException("embedding server down") : FakeModelServer.BagOfWords(text);
        var lexical = Retriever.Retrieve(host.Advisor.Knowledge, Scripts.SkillsQuestion, []);

        var refined = await Refine(host, Scripts.SkillsQuestion);

        Assert.Equal(lexical.Ranked.Select(r => r.Section.Id), refined.Ranked.Select(r => r.Section.Id));
        Assert.Equal([RetrievalDegradedReason.EmbeddingFailed], host.DegradedReasons());
        Assert.Empty(host.FallbackReasons()); // retrieval is not a model answer: nothing counted there
    }

    [Fact]
    public async Task While_the_section_vectors_cannot_be_built_questions_are_answered_lexically_at_once()
    {
        _server.Embed = _ => throw new InvalidOperationException("embedding server down");
        await using var host = CreateHost();
        await Eventually.TrueAsync(() => host.Logs.GetSnapshot().Any(r => r.Id.Id == 333), "the failed build logged");
        var lexical = Retriever.Retrieve(host.Advisor.Knowledge, Scripts.SkillsQuestion, []);

        var refined = await Refine(host, Scripts.SkillsQuestion);

        Assert.Equal(lexical.Ranked.Select(r => r.Section.Id), refined.Ranked.Select(r => r.Section.Id));
        Assert.Equal([RetrievalDegradedReason.VectorsNotReady], host.DegradedReasons());
        Assert.Empty(host.FallbackReasons());
    }

    [Fact]
    public async Task A_hung_embedding_server_does_not_hold_the_answer_past_the_question_embedding_timeout()
    {
        // The section vectors are ready; then the server stops answering the question's embedding.
        await using var host = CreateHost(("Advisor:Model:QuestionEmbeddingTimeoutSeconds", "1"), ("Advisor:Model:TimeoutSeconds", "15"));
        await host.VectorsReadyAsync();
        _server.HangsOn = text => text == Scripts.SkillsQuestion;
        _server.Enqueue(Scripts.Grounded(host.Advisor));
        var lexical = Retriever.Retrieve(host.Advisor.Knowledge, Scripts.SkillsQuestion, []);

        // A generous deadline only guards the test run; the answer is expected after about a second.
        var (answer, _) = await host.AskAsync(Scripts.SkillsQuestion).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("model", answer.Composer);
        Assert.Equal(lexical.Ranked.Take(ModelAnswerComposer.SectionsShown).Select(r => r.Section.Id), Assert.Single(_server.Chats).SectionIds);
        Assert.Equal([RetrievalDegradedReason.Timeout], host.DegradedReasons());
        Assert.Empty(host.FallbackReasons());
    }

    [Fact]
    public async Task A_hung_embedding_server_during_the_build_leaves_questions_lexical_without_waiting()
    {
        _server.HangsOn = _ => true;
        await using var host = CreateHost();
        await Eventually.TrueAsync(() => _server.EmbeddingInputs.Count > 0, "the build started");
        _server.Enqueue(Scripts.Grounded(host.Advisor));
        var lexical = Retriever.Retrieve(host.Advisor.Knowledge, Scripts.SkillsQuestion, []);

        var (answer, _) = await host.AskAsync(Scripts.SkillsQuestion).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("model", answer.Composer);
        Assert.Equal(lexical.Ranked.Take(ModelAnswerComposer.SectionsShown).Select(r => r.Section.Id), Assert.Single(_server.Chats).SectionIds);
        Assert.Equal([RetrievalDegradedReason.VectorsNotReady], host.DegradedReasons());
    }

    [Fact]
    public async Task Ollama_serves_the_embeddings_too()
    {
        await using var host = TestAdvisor.Create(new Dictionary<string, string?>
        {
            ["Advisor:KnowledgePath"] = Path.Combine(_dir, "knowledge"),
            ["Advisor:PromptsPath"] = Path.Combine(_dir, "prompts"),
            ["Advisor:Model:Provider"] = "ollama",
            ["Advisor:Model:Endpoint"] = _server.BaseUrl,
            ["Advisor:Model:Model"] = "llama3.2",
            ["Advisor:Model:EmbeddingModel"] = "nomic-embed-text",
        });
        await host.VectorsReadyAsync();

        await Refine(host, Scripts.SkillsQuestion);

        var embedded = TakeEmbedded();
        Assert.Contains(Scripts.SkillsQuestion, embedded);
        Assert.Equal(host.Advisor.Knowledge.Sections.Select(EmbeddingIndex.EmbeddedText).Distinct().Count() + 1, embedded.Count);
        Assert.Empty(host.FallbackReasons());
        Assert.Empty(host.DegradedReasons());
        Assert.True(File.Exists(Path.Combine(_dir, ".advisor-cache", "embeddings", "nomic-embed-text.json")));
    }

    [Fact]
    public void Reciprocal_rank_fusion_rewards_sections_both_rankings_agree_on()
    {
        var knowledge = Advisor.Core.Knowledge.KnowledgeSnapshot.Load(Paths.Knowledge);
        var s = knowledge.Sections;
        var fused = HybridRetrievalRefiner.Fuse([s[0], s[1], s[2]], [s[2], s[3], s[0]]);

        Assert.Equal([s[0].Id, s[2].Id, s[1].Id, s[3].Id], fused.Select(f => f.Section.Id));
        Assert.Equal((1.0 / 61) + (1.0 / 63), fused[0].Score, 6);
    }

    private TestAdvisor CreateHost(params (string Key, string? Value)[] more) => TestAdvisor.Create(new Dictionary<string, string?>(TestAdvisor.OpenAI(_server, more))
    {
        ["Advisor:KnowledgePath"] = Path.Combine(_dir, "knowledge"),
        ["Advisor:PromptsPath"] = Path.Combine(_dir, "prompts"),
        ["Advisor:Model:EmbeddingModel"] = "test-embed",
    });

    private static async Task<RetrievalResult> Refine(TestAdvisor host, string question)
    {
        var refiner = Assert.Single(host.Services.GetServices<IRetrievalRefiner>());
        return await refiner.RefineAsync(AdvisorQuestion.Simple(question), Retriever.Retrieve(host.Advisor.Knowledge, question, []), CancellationToken.None);
    }

    private List<string> TakeEmbedded()
    {
        var all = new List<string>();
        while (_server.EmbeddingInputs.TryDequeue(out var batch))
        {
            all.AddRange(batch);
        }

        return all;
    }
}
