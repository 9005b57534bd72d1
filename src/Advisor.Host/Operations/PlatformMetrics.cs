using System.Diagnostics.Metrics;
using Advisor.Core;
using Advisor.Core.Hosting;
using Advisor.Core.Knowledge;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Host.Operations;

/// <summary>
/// The host's and the adapters' instruments, on the same "Advisor" meter as the core's <see cref="AdvisorMetrics"/>.
/// Adapters take this from DI and call <see cref="Reconnected"/> and <see cref="RateLimitWaited"/>.
/// </summary>
public sealed class PlatformMetrics
{
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _rateLimitWaits;
    private readonly Histogram<double> _rateLimitWaitDuration;
    private readonly Counter<long> _refused;

    public PlatformMetrics(IMeterFactory meterFactory, QuestionGate gate, IServiceProvider services)
    {
        var meter = meterFactory.Create(AdvisorMetrics.MeterName);
        _reconnects = meter.CreateCounter<long>("advisor.platform.reconnects", description: "Platform connections re-established, by platform and reason");
        _rateLimitWaits = meter.CreateCounter<long>("advisor.platform.rate_limit.waits", description: "Times a platform's rate limit made the bot wait before sending, by platform");
        _rateLimitWaitDuration = meter.CreateHistogram<double>("advisor.platform.rate_limit.wait.duration", unit: "ms", description: "How long the bot waited for a platform's rate limit");
        _refused = meter.CreateCounter<long>("advisor.questions.refused", description: "Questions not started, by platform and reason (e.g. shutting_down)");
        meter.CreateObservableGauge("advisor.questions.in_flight", () => gate.InFlight, description: "Questions being answered right now");
        meter.CreateObservableGauge("advisor.knowledge.sections", () => services.GetRequiredService<IKnowledgeStore>().Current.Sections.Count, description: "Sections in the knowledge being served");
        meter.CreateObservableGauge("advisor.platform.connected", () => Connected(services), description: "1 while a platform connection is up, by platform");
    }

    /// <summary>A platform connection was re-established (resumed or reconnected after a drop).</summary>
    public void Reconnected(string platform, string reason) =>
        _reconnects.Add(1, new KeyValuePair<string, object?>("platform", platform), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A platform's rate limit made the bot wait <paramref name="wait"/> before sending.</summary>
    public void RateLimitWaited(string platform, TimeSpan wait)
    {
        var tag = new KeyValuePair<string, object?>("platform", platform);
        _rateLimitWaits.Add(1, tag);
        _rateLimitWaitDuration.Record(wait.TotalMilliseconds, tag);
    }

    internal void Refused(string platform, string reason) =>
        _refused.Add(1, new KeyValuePair<string, object?>("platform", platform), new KeyValuePair<string, object?>("reason", reason));

    private static IEnumerable<Measurement<int>> Connected(IServiceProvider services) =>
        services.GetServices<IPlatformStatus>().Select(p => new Measurement<int>(p.Connected ? 1 : 0, new KeyValuePair<string, object?>("platform", p.Platform)));
}
