using System.Net;
using Advisor.Core.Answers;
using Advisor.Host.Operations;
using Advisor.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Host.Tests;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Shutdown_finishes_questions_in_flight_and_refuses_new_ones()
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

            var late = await worker.Advisor.AskAsync(new AdvisorQuestion("What does an AI Scientist do?", [], "test"));
            Assert.Equal(DrainingAdvisor.RefusalText, late.Text);
            Assert.Equal("shutdown", late.Composer);
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
