using Advisor.Core.Answers;
using Advisor.Core;
using Advisor.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;

namespace Advisor.Models.Tests;

/// <summary>The real core plus AddAdvisorModels, wired the way the host wires them, against a fake model server.</summary>
internal sealed class TestAdvisor : IAsyncDisposable
{
    private TestAdvisor(ServiceProvider services)
    {
        Services = services;
        Advisor = services.GetRequiredService<IAdvisor>();
        Fallbacks = new MetricCollector<long>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), AdvisorMetrics.MeterName, "advisor.model.fallbacks");
        Degraded = new MetricCollector<long>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), AdvisorMetrics.MeterName, "advisor.retrieval.degraded");
    }

    public ServiceProvider Services { get; }

    public IAdvisor Advisor { get; }

    public MetricCollector<long> Fallbacks { get; }

    public MetricCollector<long> Degraded { get; }

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    public static TestAdvisor Create(IDictionary<string, string?> settings, LogLevel minimumLogLevel = LogLevel.Debug)
    {
        var configuration = BuildConfiguration(settings);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddMetrics();
        services.AddLogging(b => b.AddFakeLogging().SetMinimumLevel(minimumLogLevel));
        services.AddAdvisorCore(configuration);
        services.AddAdvisorModels(configuration);
        return new TestAdvisor(services.BuildServiceProvider());
    }

    public static IConfiguration BuildConfiguration(IDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Advisor:KnowledgePath"] = Paths.Knowledge,
            ["Advisor:PromptsPath"] = Paths.Prompts,
            ["Advisor:Model:TimeoutSeconds"] = "5",
            ["Advisor:Model:Model"] = "test-model",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(all).Build();
    }

    public static Dictionary<string, string?> OpenAI(FakeModelServer server, params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Advisor:Model:Provider"] = "openai",
            ["Advisor:Model:Endpoint"] = server.BaseUrl + "/v1",
            ["Advisor:Model:ApiKey"] = "test-key",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public async Task<(Answer Final, List<AnswerUpdate> Updates)> AskAsync(string question, IReadOnlyList<ConversationTurn>? history = null)
    {
        var updates = new List<AnswerUpdate>();
        await foreach (var update in Advisor.AskStreamingAsync(new AdvisorQuestion(question, history ?? [], "test")))
        {
            updates.Add(update);
        }

        return (updates[^1].Final ?? throw new InvalidOperationException("no final answer"), updates);
    }

    public IReadOnlyList<string> FallbackReasons() =>
        Fallbacks.GetMeasurementSnapshot().Select(m => (string)m.Tags["reason"]!).ToList();

    public IReadOnlyList<string> DegradedReasons() =>
        Degraded.GetMeasurementSnapshot().Select(m => (string)m.Tags["reason"]!).ToList();

    /// <summary>Waits until the section vectors of the knowledge served are built (they are built in the background).</summary>
    public Task VectorsReadyAsync() =>
        Eventually.TrueAsync(() => Services.GetRequiredService<EmbeddingIndex>().ReadyFor(Advisor.Knowledge) is not null, "section vectors", 60);

    public async ValueTask DisposeAsync()
    {
        Fallbacks.Dispose();
        Degraded.Dispose();
        await Services.DisposeAsync();
    }
}

/// <summary>Where the repository's folders are.</summary>
internal static class Paths
{
    public static string Root { get; } = RepoPaths.RepoRoot();

    public static string Knowledge => Path.Combine(Root, "knowledge");

    public static string Prompts => Path.Combine(Root, "prompts");

    /// <summary>A temp folder holding copies of the repository's knowledge and prompts.</summary>
    public static string TempCopy()
    {
        var dir = Path.Combine(Path.GetTempPath(), "advisor-models-" + Guid.NewGuid().ToString("N")[..10]);
        Copy(Knowledge, Path.Combine(dir, "knowledge"));
        Copy(Prompts, Path.Combine(dir, "prompts"));
        return dir;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
