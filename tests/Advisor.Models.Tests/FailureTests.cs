using Advisor.Core.Answers;
using Advisor.Core.Retrieval;
using Advisor.Testing;

namespace Advisor.Models.Tests;

/// <summary>Every way the model can fail gives the extractive answer, logged and counted; never an empty reply.</summary>
public sealed class FailureTests : IAsyncLifetime
{
    private FakeModelServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeModelServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string> Failures => new()
    {
        { "500", FallbackReason.ServerError },
        { "503", FallbackReason.ServerError },
        { "401", FallbackReason.Rejected },
        { "malformed", FallbackReason.Malformed },
        { "empty", FallbackReason.Empty },
        { "refusal", FallbackReason.Refusal },
        { "slow", FallbackReason.Timeout },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failing_model_gives_the_extractive_answer_logged_and_counted(string failure, string reason)
    {
        // Only the slow reply needs a short timeout; the others get a generous one, so a loaded machine (a cold first
        // request) cannot turn their failure into a timeout.
        var timeout = failure == "slow" ? "1" : "15";
        await using var host = TestAdvisor.Create(TestAdvisor.OpenAI(_server, ("Advisor:Model:TimeoutSeconds", timeout)));
        _server.Enqueue(failure switch
        {
            "500" => new Reply.Status(500),
            "503" => new Reply.Status(503),
            "401" => new Reply.Status(401),
            "malformed" => new Reply.Malformed(),
            "empty" => new Reply.Text(""),
            "refusal" => new Reply.Refusal("I'm sorry, I can't help with that."),
            "slow" => new Reply.Slow(TimeSpan.FromSeconds(20), new Reply.Text("too late")),
            _ => throw new ArgumentOutOfRangeException(nameof(failure)),
        });

        var (answer, updates) = await host.AskAsync(Scripts.SkillsQuestion);

        AssertExtractiveFallback(host, answer, reason);
        Assert.False(string.IsNullOrWhiteSpace(string.Concat(updates.Select(u => u.TextDelta))));
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning && r.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_429_is_retried_after_its_Retry_After_and_the_model_answer_kept()
    {
        await using var host = TestAdvisor.Create(TestAdvisor.OpenAI(_server));
        _server.Enqueue(new Reply.Status(429, RetryAfterSeconds: 1));
        _server.Enqueue(Scripts.Grounded(host.Advisor));

        var (answer, _) = await host.AskAsync(Scripts.SkillsQuestion);

        Assert.Equal(2, _server.ChatCount);
        Assert.Equal("model", answer.Composer);
        Assert.Empty(host.FallbackReasons());
    }

    [Fact]
    public async Task Retries_of_a_429_are_bounded()
    {
        await using var host = TestAdvisor.Create(TestAdvisor.OpenAI(_server, ("Advisor:Model:MaxRetries", "1")));
        _server.Enqueue(new Reply.Status(429, RetryAfterSeconds: 0));
        _server.Enqueue(new Reply.Status(429, RetryAfterSeconds: 0));
        _server.Enqueue(Scripts.Grounded(host.Advisor));

        var (answer, _) = await host.AskAsync(Scripts.SkillsQuestion);

        Assert.Equal(2, _server.ChatCount);
        AssertExtractiveFallback(host, answer, FallbackReason.RateLimited);
    }

    [Fact]
    public async Task With_retries_off_a_429_is_not_retried_and_a_normal_request_goes_through_unchanged()
    {
        await using var host = TestAdvisor.Create(TestAdvisor.OpenAI(_server, ("Advisor:Model:MaxRetries", "0")));
        _server.Enqueue(Scripts.Grounded(host.Advisor));
        var (answer, _) = await host.AskAsync(Scripts.SkillsQuestion);
        Assert.Equal("model", answer.Composer);

        _server.Enqueue(new Reply.Status(429, RetryAfterSeconds: 0));
        _server.Enqueue(Scripts.Grounded(host.Advisor));
        (answer, _) = await host.AskAsync(Scripts.SkillsQuestion);

        Assert.Equal(2, _server.ChatCount);
        AssertExtractiveFallback(host, answer, FallbackReason.RateLimited);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_allowed_is_not_waited_for()
    {
        await using var host = TestAdvisor.Create(TestAdvisor.OpenAI(_server, ("Advisor:Model:MaxRetryDelaySeconds", "5")));
        _server.Enqueue(new Reply.Status(429, RetryAfterSeconds: 3600));
        _server.Enqueue(Scripts.Grounded(host.Advisor));

        var (answer, _) = await host.AskAsync(Scripts.SkillsQuestion);

        Assert.Equal(1, _server.ChatCount);
        AssertExtractiveFallback(host, answer, FallbackReason.RateLimited);
    }

    [Fact]
    public async Task An_unreachable_server_gives_the_extractive_answer()
    {
        var closedPort = _server.BaseUrl;
        await _server.DisposeAsync();
        _server = await FakeModelServer.StartAsync();
        await using var host = TestAdvisor.Create(new Dictionary<string, string?>(TestAdvisor.OpenAI(_server)) { ["Advisor:Model:Endpoint"] = closedPort + "/v1" });

        var (answer, _) = await host.AskAsync(Scripts.SkillsQuestion);

        AssertExtractiveFallback(host, answer, FallbackReason.Unavailable);
    }

    [Fact]
    public async Task The_caller_cancelling_is_not_a_fallback()
    {
        await using var host = TestAdvisor.Create(TestAdvisor.OpenAI(_server));
        _server.Enqueue(new Reply.Slow(TimeSpan.FromSeconds(20), new Reply.Text("late")));
        using var cancel = new CancellationTokenSource();

        var ask = host.Advisor.AskAsync(AdvisorQuestion.Simple(Scripts.SkillsQuestion), cancel.Token);
        await Eventually.TrueAsync(() => _server.ChatCount > 0, "the model call");

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
        Assert.Empty(host.FallbackReasons());
    }

    [Fact]
    public async Task A_provider_error_that_echoes_the_question_is_logged_at_Warning_without_it()
    {
        const string question = Scripts.SkillsQuestion;
        await using var host = TestAdvisor.Create(TestAdvisor.OpenAI(_server, ("Advisor:Model:TimeoutSeconds", "15")));
        _server.Enqueue(new Reply.Status(400, Message: "Invalid request: '" + question + "'"));

        var (answer, _) = await host.AskAsync(question);

        Assert.Equal("extractive-fallback", answer.Composer);
        var logs = host.Logs.GetSnapshot();
        var warning = Assert.Single(logs, r => r.Id.Id == 310);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("400", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs, r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Information && r.Message.Contains(question, StringComparison.Ordinal));
        Assert.Contains(logs, r => r.Level == Microsoft.Extensions.Logging.LogLevel.Debug && r.Message.Contains(question, StringComparison.Ordinal));
    }

    private static void AssertExtractiveFallback(TestAdvisor host, Answer answer, string reason)
    {
        var expected = ExtractiveComposer.Compose(Retriever.Retrieve(host.Advisor.Knowledge, Scripts.SkillsQuestion, []));
        Assert.Equal("extractive-fallback", answer.Composer);
        Assert.Equal(expected.Text, answer.Text);
        Assert.NotEmpty(answer.Citations);
        Assert.NotNull(answer.Note);
        Assert.Equal([reason], host.FallbackReasons());
    }
}
