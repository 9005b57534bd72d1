namespace Advisor.Host.Tests;

/// <summary>
/// Tests whose effects reach every worker in the test process (a SIGHUP; the "Advisor" meter, which OpenTelemetry
/// listens to by name across the process) run in this collection: alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideCollection
{
    public const string Name = "process-wide";
}

[Collection(ProcessWideCollection.Name)]
public sealed partial class SignalTests
{
    [Fact]
    public async Task Sighup_reloads_the_knowledge_instead_of_ending_the_process()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // SIGHUP is POSIX only
        }

        using var knowledge = Paths.CopyKnowledge();
        await using var worker = await TestWorker.StartAsync(knowledge.Folder, new Dictionary<string, string?> { ["Advisor:Reload:WatchFiles"] = "false" });
        var reloaded = LiveReloadTests.NextReport(worker.Store, _ => true);

        Assert.Equal(0, Posix.Kill(Environment.ProcessId, Posix.SigHup));

        var report = await reloaded.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(report.Succeeded);
    }

    private static partial class Posix
    {
        public const int SigHup = 1; // the same number on Linux and macOS

        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static partial int Kill(int pid, int signal);
    }
}
