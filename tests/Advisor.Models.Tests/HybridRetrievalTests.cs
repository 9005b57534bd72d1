using Advisor.Core.Answers;
using Advisor.Core.Retrieval;
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

        var refined = await Refine(host, question);
        Assert.Contains(refined.Ranked, r => r.Section.Id == target.Id);
        Assert.Equal(lexical.InScope, refined.InScope);
        var distinctTexts = knowledge.Sections.Select(EmbeddingIndex.EmbeddedText).Distinct().Count();
        Assert.Equal(distinctTexts + 1, TakeEmbedded().Count);

        // Asking again embeds only the question.
        await Refine(host, question);
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
        await Refine(host, question);
        var embedded = TakeEmbedded();
        Assert.Equal(changed.Append(question).Order(), embedded.Order());
        await host.DisposeAsync();

        // A restart reads the vectors from the disk cache.
        var cacheFiles = Directory.GetFiles(Path.Combine(_dir, ".advisor-cache", "embeddings"));
        Assert.Single(cacheFiles);
        await using var restarted = CreateHost();
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

        var (answer, _) = await host.AskAsync(question);

        Assert.Contains(target.Id, Assert.Single(_server.Chats).SectionIds);
        Assert.Equal(target.Id, Assert.Single(answer.Citations).SectionId);
    }

    [Fact]
    public async Task When_embedding_fails_retrieval_stays_lexical()
    {
        await using var host = CreateHost();
        _server.Embed = _ => throw new InvalidOperationException("embedding server down");
        var lexical = Retriever.Retrieve(host.Advisor.Knowledge, Scripts.SkillsQuestion, []);

        var refined = await Refine(host, Scripts.SkillsQuestion);

        Assert.Equal(lexical.Ranked.Select(r => r.Section.Id), refined.Ranked.Select(r => r.Section.Id));
        Assert.Equal(["embeddings"], host.FallbackReasons());
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

        await Refine(host, Scripts.SkillsQuestion);

        var embedded = TakeEmbedded();
        Assert.Contains(Scripts.SkillsQuestion, embedded);
        Assert.Equal(host.Advisor.Knowledge.Sections.Select(EmbeddingIndex.EmbeddedText).Distinct().Count() + 1, embedded.Count);
        Assert.Empty(host.FallbackReasons());
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

    private TestAdvisor CreateHost() => TestAdvisor.Create(new Dictionary<string, string?>(TestAdvisor.OpenAI(_server))
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
