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
