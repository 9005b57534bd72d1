using System.Diagnostics.Metrics;
using Advisor.Core;
using Advisor.Core.Hosting;
using Advisor.Core.Knowledge;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Host.Operations;

/// <summary>
/// The host's own instruments (accepted questions not yet delivered, sections served, platform connection state), on
/// the same "Advisor" meter as the core's <see cref="AdvisorMetrics"/>, where the adapters record refusals, reconnects
/// and rate-limit waits. A hosted service only so that the host creates it (and its gauges) at start-up.
/// </summary>
public sealed class PlatformMetrics : Microsoft.Extensions.Hosting.IHostedService
{
    public PlatformMetrics(IMeterFactory meterFactory, QuestionGate gate, IServiceProvider services)
    {
        var meter = meterFactory.Create(AdvisorMetrics.MeterName);
        meter.CreateObservableGauge("advisor.questions.in_flight", () => gate.InFlight, description: "Accepted questions not yet delivered (being answered or posted)");
        meter.CreateObservableGauge("advisor.knowledge.sections", () => services.GetRequiredService<IKnowledgeStore>().Current.Sections.Count, description: "Sections in the knowledge being served");
        meter.CreateObservableGauge("advisor.platform.connected", () => Connected(services), description: "1 while a platform connection is up, by platform");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static IEnumerable<Measurement<int>> Connected(IServiceProvider services) =>
        services.GetServices<IPlatformStatus>().Select(p => new Measurement<int>(p.Connected ? 1 : 0, new KeyValuePair<string, object?>("platform", p.Platform)));
}
