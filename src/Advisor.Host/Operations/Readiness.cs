using Advisor.Core.Hosting;
using Advisor.Core.Knowledge;

namespace Advisor.Host.Operations;

/// <summary>What <c>/readyz</c> reports.</summary>
public sealed record ReadinessReport(bool Ready, string Status, KnowledgeState Knowledge, IReadOnlyList<PlatformState> Platforms);

public sealed record KnowledgeState(bool Loaded, string Version, int Articles, int Sections, int FilesNotLoaded);

public sealed record PlatformState(string Platform, bool Connected, string State);

/// <summary>Ready = knowledge with sections is loaded, every registered platform is connected and shutdown has not begun.</summary>
internal sealed class Readiness(IKnowledgeStore store, IEnumerable<IPlatformStatus> platforms, QuestionGate gate)
{
    public ReadinessReport Check()
    {
        var snapshot = store.Current;
        var knowledge = new KnowledgeState(snapshot.Sections.Count > 0, snapshot.Version, snapshot.Articles.Count, snapshot.Sections.Count, snapshot.Errors.Count);
        var states = platforms.Select(p => new PlatformState(p.Platform, p.Connected, p.State)).ToList();
        var status = !gate.Accepting ? "stopping"
            : !knowledge.Loaded ? "no knowledge"
            : states.FirstOrDefault(p => !p.Connected) is { } down ? $"{down.Platform} not connected"
            : "ready";
        return new ReadinessReport(status == "ready", status, knowledge, states);
    }
}
