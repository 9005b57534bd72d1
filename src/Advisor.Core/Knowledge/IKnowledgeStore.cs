namespace Advisor.Core.Knowledge;

/// <summary>Holds the knowledge snapshot being served and swaps it atomically on reload.</summary>
public interface IKnowledgeStore
{
    /// <summary>The snapshot new questions see. Questions in flight keep the one they started with.</summary>
    KnowledgeSnapshot Current { get; }

    /// <summary>Reloads the folder; a reload that fails keeps the last good knowledge and says why.</summary>
    Task<ReloadReport> ReloadAsync(CancellationToken cancellationToken = default);

    /// <summary>Raised after every reload attempt, successful or not.</summary>
    event EventHandler<ReloadReport>? Reloaded;
}
