namespace Advisor.Core.Hosting;

/// <summary>A platform connection's health, for readiness checks and logs. Adapters register one each.</summary>
public interface IPlatformStatus
{
    /// <summary>"slack", "discord".</summary>
    string Platform { get; }

    /// <summary>True while the platform can deliver questions and receive answers.</summary>
    bool Connected { get; }

    /// <summary>A short human-readable state ("connected", "reconnecting: 4000 unknown error", "stopped: invalid token").</summary>
    string State { get; }
}
