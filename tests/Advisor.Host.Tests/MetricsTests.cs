using Advisor.Core;
using System.Globalization;
using System.Text.RegularExpressions;
using Advisor.Core.Answers;
using Advisor.Host.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Host.Tests;

[Collection(ProcessWideCollection.Name)]
public sealed partial class MetricsTests
{
    [Fact]
    public async Task Metrics_expose_questions_by_platform_and_outcome_and_the_latency_histogram()
    {
        await using var worker = await TestWorker.StartAsync();
        await worker.Advisor.AskAsync(new AdvisorQuestion("What skills does an AI Architect need?", [], "slack"));
        await worker.Advisor.AskAsync(new AdvisorQuestion("What is the best pizza topping in Naples?", [], "slack"));

        var text = await worker.Http.GetStringAsync("/metrics");

        Assert.Equal(2, Sum(text, "advisor_questions_total", "platform=\"slack\""));
        Assert.Equal(1, Sum(text, "advisor_questions_total", "outcome=\"abstained\""));
        Assert.Equal(1, Sum(text, "advisor_abstentions_total", "platform=\"slack\""));
        Assert.Equal(2, Sum(text, "advisor_answer_duration_milliseconds_count", "platform=\"slack\""));
        Assert.Contains("advisor_answer_duration_milliseconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE advisor_answer_duration_milliseconds histogram", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_exporter_carries_the_core_platform_instruments_and_reloads()
    {
        await using var worker = await TestWorker.StartAsync(settings: new Dictionary<string, string?> { ["Advisor:Reload:WatchFiles"] = "false" });
        var metrics = worker.App.Services.GetRequiredService<AdvisorMetrics>();
        metrics.PlatformReconnected("discord", "resume");
        metrics.PlatformReconnected("discord", "resume");
        metrics.PlatformRateLimitWaited("slack", TimeSpan.FromMilliseconds(1200));
        await worker.Advisor.ReloadAsync();

        var text = await worker.Http.GetStringAsync("/metrics");

        Assert.Equal(2, Sum(text, "advisor_platform_reconnects_total", "platform=\"discord\""));
        Assert.Equal(1, Sum(text, "advisor_platform_rate_limit_waits_total", "platform=\"slack\""));
        Assert.Equal(1200, Sum(text, "advisor_platform_rate_limit_wait_duration_milliseconds_sum", "platform=\"slack\""));
        Assert.Equal(1, Sum(text, "advisor_reloads_total", "result=\"ok\""));
        Assert.True(Sum(text, "advisor_knowledge_sections", "") > 0);
    }

    /// <summary>Sums the samples of one metric whose labels contain <paramref name="label"/>.</summary>
    internal static double Sum(string exposition, string metric, string label)
    {
        double total = 0;
        foreach (Match m in Sample().Matches(exposition))
        {
            if (m.Groups["name"].Value == metric && m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            {
                total += double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[^}]*\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
