using Advisor.Core.Knowledge;

namespace Advisor.Host.Web;

/// <summary>The last reload's report, whatever started it (file change, SIGHUP, /reload, the web page), for the Knowledge page.</summary>
internal sealed class LastReload
{
    private ReloadReport? _report;

    public LastReload(IKnowledgeStore store) => store.Reloaded += (_, report) => Volatile.Write(ref _report, report);

    /// <summary>Null until the first reload after start-up.</summary>
    public ReloadReport? Report => Volatile.Read(ref _report);

    /// <summary>Remembers a report (the web page's own reload, in case the store's event has not run yet).</summary>
    public void Set(ReloadReport report) => Volatile.Write(ref _report, report);
}
