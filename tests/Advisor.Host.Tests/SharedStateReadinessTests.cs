using Advisor.Core;
using Advisor.Core.Coordination;
using Advisor.Core.Hosting;
using Advisor.Core.Knowledge;
using Advisor.Host.Operations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Advisor.Host.Tests;

/// <summary>What <c>/readyz</c> says about the state shared with other replicas (a hand-written status stands for Redis).</summary>
public sealed class SharedStateReadinessTests
{
    private static readonly KnowledgeStore Knowledge = new(Options.Create(new AdvisorOptions { KnowledgePath = Paths.RepositoryKnowledge }), NullLogger<KnowledgeStore>.Instance);

    private sealed class Status : ISharedStateStatus
    {
        public string Description => "Redis 127.0.0.1:6379";

        public bool Connected { get; init; } = true;

        public string State => Connected ? "connected" : "unreachable since 2026-01-05T09:00:00Z: connection refused";

        public string? AnnouncedKnowledgeVersion { get; init; }

        public string? NotReadyReason { get; init; }
    }

    private static ReadinessReport Check(params ISharedStateStatus[] shared) => new Readiness(Knowledge, [], new QuestionGate(), shared).Check();

    [Fact]
    public void A_single_process_reports_no_shared_state()
    {
        var report = Check();
        Assert.True(report.Ready);
        Assert.Equal("ready", report.Status);
        Assert.Null(report.Shared);
    }

    [Fact]
    public void A_replica_in_step_is_ready_and_shows_the_announced_version()
    {
        var report = Check(new Status { AnnouncedKnowledgeVersion = Knowledge.Current.Version });
        Assert.True(report.Ready);
        Assert.Equal("ready", report.Status);
        Assert.Equal(new SharedState("Redis 127.0.0.1:6379", true, "connected", Knowledge.Current.Version), report.Shared);
        Assert.Equal(Knowledge.Current.Version, report.Knowledge.Version);
    }

    [Fact]
    public void A_replica_out_of_step_is_not_ready_and_says_why()
    {
        var report = Check(new Status { AnnouncedKnowledgeVersion = "0123456789ab", NotReadyReason = "the replicas serve knowledge 0123456789ab, but reloading here failed" });
        Assert.False(report.Ready);
        Assert.Equal("knowledge out of step with the other replicas: the replicas serve knowledge 0123456789ab, but reloading here failed", report.Status);
    }

    [Fact]
    public void Redis_unreachable_leaves_the_replica_ready_but_says_it_is_alone()
    {
        var report = Check(new Status { Connected = false });
        Assert.True(report.Ready);
        Assert.StartsWith("ready (alone: Redis 127.0.0.1:6379 unreachable", report.Status, StringComparison.Ordinal);
        Assert.False(report.Shared!.Connected);
        Assert.StartsWith("unreachable since", report.Shared.State, StringComparison.Ordinal);
    }
}
