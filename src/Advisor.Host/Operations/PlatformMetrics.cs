using System.Diagnostics.Metrics;
using Advisor.Core;
using Advisor.Core.Hosting;
using Advisor.Core.Knowledge;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Host.Operations;

/// <summary>
/// The host's own instruments (refusals while shutting down, in-flight questions, sections served, platform
/// connection state), on the same "Advisor" meter as the core's <see cref="AdvisorMetrics"/>, where the adapters
/// record reconnects and rate-limit waits.
/// </summary>
public sealed class PlatformMetrics
{
    private readonly Counter<long> _refused;

    public PlatformMetrics(IMeterFactory meterFactory, QuestionGate gate, IServiceProvider services)
    {
        var meter = meterFactory.Create(AdvisorMetrics.MeterName);
        _refused = meter.CreateCounter<long>("advisor.questions.refused", description: "Questions not started, by platform and reason (e.g. shutting_down)");
        meter.CreateObservableGauge("advisor.questions.in_flight", () => gate.InFlight, description: "Questions being answered right now");
        meter.CreateObservableGauge("advisor.knowledge.sections", () => services.GetRequiredService<IKnowledgeStore>().Current.Sections.Count, description: "Sections in the knowledge being served");
        meter.CreateObservableGauge("advisor.platform.connected", () => Connected(services), description: "1 while a platform connection is up, by platform");
    }

    internal void Refused(string platform, string reason) =>
        _refused.Add(1, new KeyValuePair<string, object?>("platform", platform), new KeyValuePair<string, object?>("reason", reason));

    private static IEnumerable<Measurement<int>> Connected(IServiceProvider services) =>
        services.GetServices<IPlatformStatus>().Select(p => new Measurement<int>(p.Connected ? 1 : 0, new KeyValuePair<string, object?>("platform", p.Platform)));
}
