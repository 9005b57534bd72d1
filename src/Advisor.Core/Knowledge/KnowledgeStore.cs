using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Core.Knowledge;

/// <summary>The folder-backed <see cref="IKnowledgeStore"/>. Loads at construction; throws when nothing usable is there.</summary>
public sealed partial class KnowledgeStore : IKnowledgeStore
{
    private readonly string _folder;
    private readonly string _evalFile;
    private readonly double _evalFloor;
    private readonly bool _followLinksOutside;
    private readonly ILogger<KnowledgeStore> _logger;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private KnowledgeSnapshot _current;

    public KnowledgeStore(IOptions<AdvisorOptions> options, ILogger<KnowledgeStore> logger)
    {
        _folder = options.Value.KnowledgePath;
        _evalFile = options.Value.EvalFile;
        _evalFloor = options.Value.EvalFloor;
        _followLinksOutside = options.Value.FollowLinksOutside;
        _logger = logger;
        _current = KnowledgeSnapshot.Load(_folder, _followLinksOutside);
        if (Evaluate(_current) is { } eval)
        {
            // At start-up there is no earlier knowledge to keep: a low score is a warning, and the knowledge serves.
            if (eval.Passed)
            {
                Log.Evaluated(_logger, eval.Line());
            }
            else
            {
                Log.EvalBelowFloorAtStart(_logger, eval.Line());
            }
        }
        foreach (var error in _current.Errors)
        {
            Log.FileNotLoaded(_logger, error.File, error.Reason);
        }

        foreach (var skipped in _current.Skipped)
        {
            Log.LinkNotFollowed(_logger, skipped.File, skipped.Reason);
        }

        Log.Loaded(_logger, _current.Version, _current.Articles.Count, _current.Sections.Count, _current.LoadTime.TotalMilliseconds);
    }

    public KnowledgeSnapshot Current => Volatile.Read(ref _current);

    public event EventHandler<ReloadReport>? Reloaded;

    public async Task<ReloadReport> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        ReloadReport report;
        try
        {
            var before = Current;
            var clock = Stopwatch.StartNew();
            try
            {
                var next = await Task.Run(() => KnowledgeSnapshot.Load(_folder, _followLinksOutside), cancellationToken).ConfigureAwait(false);
                var eval = await Task.Run(() => Evaluate(next), cancellationToken).ConfigureAwait(false);
                if (eval is { Passed: false })
                {
                    throw new KnowledgeLoadException($"{eval.Line()} The new version is not served.") { Eval = eval };
                }

                Volatile.Write(ref _current, next);
                report = ReloadReport.Diff(before, next) with { Eval = eval };
                Log.Reloaded(
                    _logger,
                    before.Version,
                    next.Version,
                    report.ArticlesAdded.Count,
                    report.ArticlesChanged.Count,
                    report.ArticlesRemoved.Count,
                    report.SectionsAdded.Count,
                    report.SectionsChanged.Count,
                    report.SectionsRemoved.Count,
                    report.RolesAdded.Count,
                    report.RolesRemoved.Count,
                    next.Sections.Count,
                    report.Errors.Count,
                    report.DurationMs);
            }
            catch (KnowledgeLoadException ex)
            {
                report = new ReloadReport
                {
                    Succeeded = false,
                    Version = before.Version,
                    PreviousVersion = before.Version,
                    FailureReason = ex.Message,
                    Eval = ex.Eval,
                    SectionCount = before.Sections.Count,
                    DurationMs = clock.Elapsed.TotalMilliseconds,
                };
                Log.ReloadFailed(_logger, before.Version, ex.Message);
            }
        }
        finally
        {
            _reloadGate.Release();
        }

        foreach (var error in report.Errors)
        {
            Log.FileNotLoaded(_logger, error.File, error.Reason);
        }

        foreach (var skipped in report.Skipped)
        {
            Log.LinkNotFollowed(_logger, skipped.File, skipped.Reason);
        }

        Reloaded?.Invoke(this, report);
        return report;
    }

    /// <summary>Runs the knowledge folder's eval file against a snapshot, or null when there is none.</summary>
    private Evaluation.EvalReport? Evaluate(KnowledgeSnapshot snapshot)
    {
        if (string.IsNullOrWhiteSpace(_evalFile))
        {
            return null;
        }

        var path = Path.Combine(snapshot.Root, _evalFile);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var (cases, errors) = Evaluation.EvalSet.ReadFile(path);
            return Evaluation.EvalReport.From(Evaluation.Evaluator.Run(snapshot, cases, errors), _evalFile, _evalFloor);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            // An eval file that cannot be read does not judge the knowledge: say so, and serve.
            return new Evaluation.EvalReport(_evalFile, 0, 0, 0, _evalFloor, true, [], [$"the file could not be read: {ex.Message}"]);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(5, LogLevel.Information, "Knowledge eval: {Result}")]
        public static partial void Evaluated(ILogger logger, string result);

        [LoggerMessage(6, LogLevel.Warning, "Knowledge eval at start-up: {Result} Serving it anyway: there is no earlier knowledge to keep.")]
        public static partial void EvalBelowFloorAtStart(ILogger logger, string result);

        [LoggerMessage(1, LogLevel.Information, "Knowledge {Version} loaded: {Articles} articles, {Sections} sections in {Ms:0.0} ms")]
        public static partial void Loaded(ILogger logger, string version, int articles, int sections, double ms);

        [LoggerMessage(2, LogLevel.Warning, "Knowledge file {File} not loaded: {Reason}")]
        public static partial void FileNotLoaded(ILogger logger, string file, string reason);

        // The one line per reload (whatever triggered it); each file not loaded also gets its own warning.
        [LoggerMessage(3, LogLevel.Information, "Knowledge reloaded {Before} -> {After}: articles +{ArticlesAdded} ~{ArticlesChanged} -{ArticlesRemoved}, sections +{SectionsAdded} ~{SectionsChanged} -{SectionsRemoved}, roles +{RolesAdded} -{RolesRemoved}; {Sections} sections served, {FilesNotLoaded} files not loaded, {Ms:0.0} ms")]
        public static partial void Reloaded(ILogger logger, string before, string after, int articlesAdded, int articlesChanged, int articlesRemoved, int sectionsAdded, int sectionsChanged, int sectionsRemoved, int rolesAdded, int rolesRemoved, int sections, int filesNotLoaded, double ms);

        [LoggerMessage(7, LogLevel.Warning, "Knowledge link {File} not followed: {Reason}")]
        public static partial void LinkNotFollowed(ILogger logger, string file, string reason);

        [LoggerMessage(4, LogLevel.Error, "Knowledge reload failed; still serving {Version}: {Reason}")]
        public static partial void ReloadFailed(ILogger logger, string version, string reason);
    }
}
