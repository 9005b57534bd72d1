namespace Advisor.Core.Coordination;

/// <summary>
/// How the state shared by replicas is doing, for <c>/readyz</c>: registered only when a shared store (Redis) is
/// configured.
/// </summary>
public interface ISharedStateStatus
{
    /// <summary>What the store is, without secrets ("Redis 127.0.0.1:6379").</summary>
    string Description { get; }

    /// <summary>True while the store answers.</summary>
    bool Connected { get; }

    /// <summary>A short word on the connection ("connected", "unreachable since …: …").</summary>
    string State { get; }

    /// <summary>The knowledge version the replicas were last told to serve, or null when none was announced.</summary>
    string? AnnouncedKnowledgeVersion { get; }

    /// <summary>
    /// Why this replica must not take traffic (it cannot serve the knowledge version the others serve), or null.
    /// A store that cannot be reached is not a reason: the replica then works on its own (see <see cref="State"/>).
    /// </summary>
    string? NotReadyReason { get; }
}
