namespace Advisor.Core.Coordination;

/// <summary>
/// This process among the replicas: a name unique to this run (host name, process id and a random suffix, so a
/// restarted replica is a new owner and never mistakes a lease of its former self for its own).
/// </summary>
public sealed class ReplicaIdentity(string id)
{
    /// <summary>The replica's lease owner name.</summary>
    public string Id { get; } = string.IsNullOrWhiteSpace(id) ? throw new ArgumentException("A replica needs a name.", nameof(id)) : id;

    /// <summary>A new identity for this process.</summary>
    public static ReplicaIdentity ForThisProcess() =>
        new($"{Environment.MachineName}:{Environment.ProcessId}:{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}");

    public override string ToString() => Id;
}
