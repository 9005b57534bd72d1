using Advisor.Core.Coordination;
using Advisor.Core.Hosting;
using Advisor.Core.Knowledge;

namespace Advisor.Host.Operations;

/// <summary>What <c>/readyz</c> reports (<see cref="Shared"/>: only when state is shared with other replicas).</summary>
public sealed record ReadinessReport(bool Ready, string Status, KnowledgeState Knowledge, IReadOnlyList<PlatformState> Platforms, SharedState? Shared = null);

public sealed record KnowledgeState(bool Loaded, string Version, int Articles, int Sections, int FilesNotLoaded);

public sealed record PlatformState(string Platform, bool Connected, string State);

/// <summary>The store shared by replicas (Redis): whether it answers, and the knowledge version the replicas were told to serve.</summary>
public sealed record SharedState(string Store, bool Connected, string State, string? AnnouncedKnowledgeVersion);

/// <summary>
/// Ready = knowledge with sections is loaded, every registered platform is connected, shutdown has not begun and —
/// with replicas sharing state — this replica serves the knowledge version the others were told to serve. Redis being
/// unreachable does not make a replica unready (taking every replica out at once would stop the bot): the status then
/// says the replica works on its own.
/// </summary>
internal sealed class Readiness(IKnowledgeStore store, IEnumerable<IPlatformStatus> platforms, QuestionGate gate, IEnumerable<ISharedStateStatus> shared)
{
    public ReadinessReport Check()
    {
        var snapshot = store.Current;
        var knowledge = new KnowledgeState(snapshot.Sections.Count > 0, snapshot.Version, snapshot.Articles.Count, snapshot.Sections.Count, snapshot.Errors.Count);
        var states = platforms.Select(p => new PlatformState(p.Platform, p.Connected, p.State)).ToList();
        var replicas = shared.FirstOrDefault();
        var sharedState = replicas is null ? null : new SharedState(replicas.Description, replicas.Connected, replicas.State, replicas.AnnouncedKnowledgeVersion);
        var status = !gate.Accepting ? "stopping"
            : !knowledge.Loaded ? "no knowledge"
            : states.FirstOrDefault(p => !p.Connected) is { } down ? $"{down.Platform} not connected"
            : replicas?.NotReadyReason is { } outOfStep ? "knowledge out of step with the other replicas: " + outOfStep
            : "ready";
        var ready = status == "ready";
        if (ready && sharedState is { Connected: false })
        {
            status = $"ready (alone: {sharedState.Store} unreachable, so dedupe, limits and reloads are this replica's own)";
        }

        return new ReadinessReport(ready, status, knowledge, states, sharedState);
    }
}
