using Advisor.Core.Hosting;
using System.Net;
using Advisor.Core.Answers;
using Advisor.Host.Operations;
using Advisor.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Host.Tests;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Shutdown_closes_intake_and_finishes_every_question_held()
    {
        var composer = new HeldComposer();
        var worker = await TestWorker.StartAsync(services: s => s.AddSingleton<IAnswerComposer>(composer));
        try
        {
            var gate = worker.App.Services.GetRequiredService<QuestionGate>();
            var inFlight = worker.Advisor.AskAsync(new AdvisorQuestion("What skills does an AI Architect need?", [], "test"));
            await composer.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20));

            var stopping = Task.Run(() => worker.App.StopAsync());
            await Eventually.TrueAsync(() => !gate.Accepting, "the gate to close");

            // A question asked after shutdown began (its event was accepted before) is answered, and waited for too.
            var late = worker.Advisor.AskAsync(new AdvisorQuestion("What does an AI Scientist do?", [], "test"));
            using (var ready = await worker.Http.GetAsync("/readyz"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Contains("stopping", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            Assert.False(stopping.IsCompleted);
            Assert.False(inFlight.IsCompleted);
            composer.Release();

            var answer = await inFlight.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal("held answer to: What skills does an AI Architect need?", answer.Text);
            Assert.Equal("held answer to: What does an AI Scientist do?", (await late.WaitAsync(TimeSpan.FromSeconds(20))).Text);
            await stopping.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(0, gate.InFlight);
        }
        finally
        {
            composer.Release();
            await worker.App.DisposeAsync();
        }
    }

    [Fact]
    public async Task Shutdown_stops_waiting_at_the_configured_timeout()
    {
        var composer = new HeldComposer();
        var worker = await TestWorker.StartAsync(
            settings: new Dictionary<string, string?> { ["Advisor:Host:ShutdownTimeoutSeconds"] = "1" },
            services: s => s.AddSingleton<IAnswerComposer>(composer));
        try
        {
            var inFlight = worker.Advisor.AskAsync(new AdvisorQuestion("What skills does an AI Architect need?", [], "test"));
            await composer.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20));

            await worker.App.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));

            Assert.False(inFlight.IsCompleted);
        }
        finally
        {
            composer.Release();
            await worker.App.DisposeAsync();
        }
    }
}
