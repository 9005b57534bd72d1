using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Benchmarks;

/// <summary>Answer, compare and load times on the repository's knowledge folder.</summary>
[MemoryDiagnoser]
public class CoreBenchmarks
{
    private KnowledgeSnapshot _knowledge = null!;
    private IAdvisor _advisor = null!;
    private ServiceProvider _services = null!;
    private int _next;

    internal static readonly string[] Questions =
    [
        "What skills does an AI Architect need?",
        "which IDE do ML research engineers use",
        "Do AI scientists need a PhD?",
        "How is success measured in AI research?",
        "who hires AI scientsts?",
        "What's the weather like in Berlin tomorrow?",
        "What do AI engineers deliver?",
        "what certifications help an AI architekt?",
    ];

    /// <summary>Questions as people type them in chat, one of each kind of reply.</summary>
    internal static readonly string[] ChatQuestions =
    [
        "ok so what tools do AI scientists use, asking for a friend",
        "whats the education needed for an AI architect",
        "what skills does a data analyst need?",
        "can AI architects work remotely?",
        "should i become an ai scientist or mlre if i have a phd",
        "give me an overview of the AI architect role",
        "thanks!",
        "im a backend dev with 5 yrs exp, where do i start if i want to be an ai engineer",
        "what eduction do ai sceintists have",
        "best pizza in town?",
    ];

    [GlobalSetup]
    public void Setup()
    {
        _knowledge = KnowledgeSnapshot.Load(Paths.Knowledge);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Advisor:KnowledgePath"] = Paths.Knowledge, ["Advisor:PromptsPath"] = Paths.Prompts }).Build();
        _services = new ServiceCollection().AddAdvisorCore(config).BuildServiceProvider();
        _advisor = _services.GetRequiredService<IAdvisor>();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>One question through the whole pipeline (Semantic Kernel plugin + extractive composer).</summary>
    [Benchmark]
    public Task<Answer> AnswerOneQuestion() => _advisor.AskAsync(AdvisorQuestion.Simple(Questions[_next++ % Questions.Length]));

    /// <summary>Chat-style questions of every kind (answer, comparison, profile, uncovered role and topic, small talk, off-topic).</summary>
    [Benchmark]
    public Task<Answer> AnswerChatQuestion() => _advisor.AskAsync(AdvisorQuestion.Simple(ChatQuestions[_next++ % ChatQuestions.Length]));

    /// <summary>Retrieval and composition without the kernel, for comparison.</summary>
    [Benchmark]
    public Answer RetrieveAndCompose() => ExtractiveComposer.Compose(Retriever.Retrieve(_knowledge, Questions[_next++ % Questions.Length], []));

    [Benchmark]
    public object CompareTwoRoles() => _advisor.Compare("AI Architect", "AI Scientist");

    [Benchmark]
    public KnowledgeSnapshot LoadFolder() => KnowledgeSnapshot.Load(Paths.Knowledge);
}

/// <summary>How load and answer times grow with the number of articles.</summary>
[MemoryDiagnoser]
public class ScaleBenchmarks
{
    private KnowledgeSnapshot _knowledge = null!;
    private string _folder = "";
    private int _next;

    [Params(3, 100, 1000)]
    public int Articles { get; set; }

    /// <summary>Questions as people type them in chat, one of each kind of reply.</summary>
    internal static readonly string[] ChatQuestions =
    [
        "ok so what tools do AI scientists use, asking for a friend",
        "whats the education needed for an AI architect",
        "what skills does a data analyst need?",
        "can AI architects work remotely?",
        "should i become an ai scientist or mlre if i have a phd",
        "give me an overview of the AI architect role",
        "thanks!",
        "im a backend dev with 5 yrs exp, where do i start if i want to be an ai engineer",
        "what eduction do ai sceintists have",
        "best pizza in town?",
    ];

    [GlobalSetup]
    public void Setup()
    {
        _folder = Articles == 3 ? Paths.Knowledge : SyntheticKnowledge.Create(Paths.Knowledge, Articles);
        _knowledge = KnowledgeSnapshot.Load(_folder);
    }

    [Benchmark]
    public Answer Answer() => ExtractiveComposer.Compose(Retriever.Retrieve(_knowledge, CoreBenchmarks.Questions[_next++ % CoreBenchmarks.Questions.Length], []));

    [Benchmark]
    public KnowledgeSnapshot Load() => KnowledgeSnapshot.Load(_folder);
}

internal static class Paths
{
    public static string Root { get; } = FindRoot();

    public static string Knowledge => Path.Combine(Root, "knowledge");

    public static string Prompts => Path.Combine(Root, "prompts");

    private static string FindRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Advisor.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("run from inside the repository");
    }
}
