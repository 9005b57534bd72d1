using Advisor.Core;
using Advisor.Core.Answers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Advisor.Models.Tests;

public sealed class ProviderTests : IAsyncLifetime
{
    private FakeModelServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeModelServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("openai", null, "Advisor:Model:Model is required when Advisor:Model:Provider is openai")]
    [InlineData("ollama", null, "Advisor:Model:Model is required when Advisor:Model:Provider is ollama")]
    [InlineData("gpt", "m", "Advisor:Model:Provider must be none, openai or ollama (it is 'gpt')")]
    [InlineData("openai", "m", "Advisor:Model:ApiKey is required when Advisor:Model:Provider is openai and no Advisor:Model:Endpoint is set")]
    public void A_provider_without_what_it_needs_fails_at_start_up_naming_the_key(string provider, string? model, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Advisor:Model:Provider"] = provider, ["Advisor:Model:Model"] = model };
        var error = Assert.Throws<OptionsValidationException>(() => Build(settings).GetRequiredService<Advisor.Core.IAdvisor>());
        Assert.Contains(error.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Advisor:Model:Endpoint", "not a url", "Advisor:Model:Endpoint must be an absolute http(s) URL")]
    [InlineData("Advisor:Model:TimeoutSeconds", "0", "Advisor:Model:TimeoutSeconds must be between 1 and 600")]
    [InlineData("Advisor:Model:Temperature", "3", "Advisor:Model:Temperature must be between 0 and 2")]
    public void A_bad_setting_fails_at_start_up_naming_the_key(string key, string value, string expected)
    {
        var settings = TestAdvisor.OpenAI(_server, (key, value));
        var error = Assert.Throws<OptionsValidationException>(() => Build(settings).GetRequiredService<Advisor.Core.IAdvisor>());
        Assert.Contains(error.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Environment_variables_choose_the_provider()
    {
        var prefix = "ADVTEST" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(prefix + "Advisor__Model__Provider", "openai");
        Environment.SetEnvironmentVariable(prefix + "Advisor__Model__Endpoint", _server.BaseUrl + "/v1");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddConfiguration(TestAdvisor.BuildConfiguration(new Dictionary<string, string?>()))
                .AddEnvironmentVariables(prefix)
                .Build();
            using var services = new ServiceCollection().AddAdvisorCore(configuration).AddAdvisorModels(configuration).BuildServiceProvider();

            Assert.IsType<ModelAnswerComposer>(services.GetRequiredService<IAnswerComposer>());
            Assert.Equal("openai", services.GetRequiredService<IOptions<ModelOptions>>().Value.Provider);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Advisor__Model__Provider", null);
            Environment.SetEnvironmentVariable(prefix + "Advisor__Model__Endpoint", null);
        }
    }

    [Fact]
    public void Provider_none_keeps_the_extractive_composer_and_no_refiner()
    {
        // What `advisor ask --no-model` does: it overrides the provider with "none".
        var settings = TestAdvisor.OpenAI(_server, ("Advisor:Model:EmbeddingModel", "emb"), ("Advisor:Model:Provider", "none"));
        using var services = Build(settings);

        Assert.IsType<ExtractiveComposer>(services.GetRequiredService<IAnswerComposer>());
        Assert.Empty(services.GetServices<Advisor.Core.Retrieval.IRetrievalRefiner>());
    }

    [Fact]
    public void Without_an_embedding_model_retrieval_is_unchanged()
    {
        using var services = Build(TestAdvisor.OpenAI(_server));
        Assert.Empty(services.GetServices<Advisor.Core.Retrieval.IRetrievalRefiner>());
    }

    [Fact]
    public async Task Ollama_answers_are_streamed_over_api_chat_and_grounded()
    {
        await using var host = TestAdvisor.Create(new Dictionary<string, string?> { ["Advisor:Model:Provider"] = "ollama", ["Advisor:Model:Endpoint"] = _server.BaseUrl, ["Advisor:Model:Model"] = "llama3.2" });
        _server.Enqueue(Scripts.Grounded(host.Advisor, extra: "They also fly [[invented.txt#x | \"fly\"]]."));

        var (answer, updates) = await host.AskAsync(Scripts.SkillsQuestion);

        var seen = Assert.Single(_server.Chats);
        Assert.Equal("/api/chat", seen.Path);
        Assert.Equal("llama3.2", (string?)seen.Body["model"]);
        Assert.Contains("cite the section", seen.System, StringComparison.Ordinal);
        Assert.Equal("model", answer.Composer);
        Assert.Equal(seen.SectionIds[0], Assert.Single(answer.Citations).SectionId);
        Assert.DoesNotContain("invented", answer.Text, StringComparison.Ordinal);
        Assert.True(updates.Count > 2);
    }

    [Fact]
    public async Task Ollama_tool_calls_run_the_knowledge_plugin_and_its_sections_become_citable()
    {
        await using var host = TestAdvisor.Create(new Dictionary<string, string?> { ["Advisor:Model:Provider"] = "ollama", ["Advisor:Model:Endpoint"] = _server.BaseUrl, ["Advisor:Model:Model"] = "llama3.2" });
        string? toolId = null;

        // Round 1: the model calls the search tool by the name the request advertised for it.
        _server.Enqueue(seen => new Reply.ToolCall(
            ToolNames(seen).Single(n => n.EndsWith("search_sections", StringComparison.Ordinal)),
            "{\"query\":\"AI Scientist education\",\"top\":8}"));

        // Round 2: the follow-up must carry the tool's result; the model cites a section only that result gave it.
        _server.Enqueue(seen =>
        {
            var first = _server.Chats.First();
            var call = Assert.Single(seen.Messages, m => (string?)m!["role"] == "assistant")!["tool_calls"]!.AsArray();
            Assert.Equal("knowledge_search_sections", (string?)Assert.Single(call)!["function"]!["name"]);
            Assert.Equal("AI Scientist education", (string?)call[0]!["function"]!["arguments"]!["query"]);

            var result = System.Text.Json.Nodes.JsonNode.Parse(Assert.Single(seen.ToolResults))!;
            var ids = result["Result"]!.AsArray().Select(h => (string)h!["Id"]!).ToList();
            Assert.Equal(8, ids.Count);
            Assert.All(ids, id => Assert.True(host.Advisor.Knowledge.SectionsById.ContainsKey(id), id));
            toolId = ids.First(id => !first.SectionIds.Contains(id));
            return new Reply.Text($"An AI Scientist studies a lot [[{toolId} | \"{Scripts.QuoteOf(host.Advisor, toolId)}\"]].");
        });

        var (answer, updates) = await host.AskAsync(Scripts.SkillsQuestion);

        Assert.Equal(2, _server.ChatCount);
        var chats = _server.Chats.ToArray();
        Assert.All(chats, c => Assert.Equal("/api/chat", c.Path));
        Assert.All(chats, c => Assert.True(c.Body["stream"]!.GetValue<bool>()));

        // Only the three tool functions are offered (never the pipeline's own "retrieve"), named plugin_function on this path.
        Assert.Equal(["knowledge_compare_roles", "knowledge_list_roles", "knowledge_search_sections"], ToolNames(chats[0]));
        Assert.Empty(chats[0].ToolResults);

        Assert.NotNull(toolId);
        Assert.DoesNotContain(toolId, chats[0].User, StringComparison.Ordinal);
        Assert.Equal("model", answer.Composer);
        Assert.Equal(toolId, Assert.Single(answer.Citations).SectionId);
        Assert.Contains("[1]", answer.Text, StringComparison.Ordinal);
        Assert.Null(answer.Note);
        Assert.StartsWith("An AI Scientist studies a lot", string.Concat(updates.Select(u => u.TextDelta)), StringComparison.Ordinal);
        Assert.Empty(host.FallbackReasons());
    }

    [Theory]
    [InlineData("ollama", "knowledge_list_roles")]
    [InlineData("openai", "knowledge-list_roles")]
    public async Task A_model_that_keeps_calling_tools_is_stopped_after_four_rounds_and_gets_the_extractive_answer(string provider, string tool)
    {
        var settings = provider == "ollama"
            ? new Dictionary<string, string?> { ["Advisor:Model:Provider"] = "ollama", ["Advisor:Model:Endpoint"] = _server.BaseUrl, ["Advisor:Model:Model"] = "llama3.2" }
            : TestAdvisor.OpenAI(_server);
        await using var host = TestAdvisor.Create(settings);
        for (var i = 0; i < 12; i++)
        {
            _server.Enqueue(new Reply.ToolCall(tool, "{}"));
        }

        var (answer, _) = await host.AskAsync(Scripts.SkillsQuestion);

        // Four tool rounds run (each result goes back to the model); the fifth call is not run and the loop ends.
        Assert.Equal(5, _server.ChatCount);
        Assert.Equal(4, _server.Chats.Last().ToolResults.Count);
        Assert.Equal("extractive-fallback", answer.Composer);
        Assert.Equal([FallbackReason.Empty], host.FallbackReasons());
    }

    private static List<string> ToolNames(SeenChat seen) =>
        seen.Body["tools"]?.AsArray().Select(t => (string)t!["function"]!["name"]!).Order(StringComparer.Ordinal).ToList() ?? [];

    [Fact]
    public async Task An_ollama_server_error_gives_the_extractive_answer()
    {
        await using var host = TestAdvisor.Create(new Dictionary<string, string?> { ["Advisor:Model:Provider"] = "ollama", ["Advisor:Model:Endpoint"] = _server.BaseUrl, ["Advisor:Model:Model"] = "llama3.2" });
        _server.Enqueue(new Reply.Status(500));

        var (answer, _) = await host.AskAsync(Scripts.SkillsQuestion);

        Assert.Equal("extractive-fallback", answer.Composer);
        Assert.Equal([FallbackReason.ServerError], host.FallbackReasons());
    }

    private static ServiceProvider Build(IDictionary<string, string?> settings)
    {
        var configuration = TestAdvisor.BuildConfiguration(settings);
        return new ServiceCollection().AddAdvisorCore(configuration).AddAdvisorModels(configuration).BuildServiceProvider();
    }
}
