using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Advisor.Core;
using Advisor.Core.Knowledge;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Models;

/// <summary>
/// Section vectors for the knowledge being served, built in the background: when the index is created (with the
/// core's pipeline) and after every reload (<see cref="IKnowledgeStore.Reloaded"/>). A question never waits for
/// them: until the vectors of the version it is answered from are ready, retrieval stays lexical. Vectors are
/// cached on disk keyed by a hash of the embedded text (one file per embedding model), so a reload — or a
/// restart — embeds only the sections that changed. A build that fails keeps what it embedded and is tried
/// again later (sooner when the knowledge changes).
/// </summary>
internal sealed partial class EmbeddingIndex : IDisposable
{
    private const int BatchSize = 32;
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan LastRetry = TimeSpan.FromMinutes(5);

    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly IKnowledgeStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<EmbeddingIndex> _logger;
    private readonly TimeSpan _batchTimeout;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private Dictionary<string, float[]>? _byHash; // touched only by the build loop
    private Snapshot? _current;
    private KnowledgeSnapshot? _wanted;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _building = Task.CompletedTask;
    private bool _running;

    public EmbeddingIndex(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IKnowledgeStore store,
        IOptions<ModelOptions> options,
        IOptions<AdvisorOptions> advisorOptions,
        TimeProvider time,
        ILogger<EmbeddingIndex> logger)
    {
        _generator = generator;
        _store = store;
        _time = time;
        _logger = logger;
        _batchTimeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds);
        var model = options.Value.EmbeddingModel!;
        var folder = string.IsNullOrWhiteSpace(options.Value.EmbeddingCachePath)
            ? DefaultFolder(advisorOptions.Value.KnowledgePath)
            : options.Value.EmbeddingCachePath;
        CacheFile = Path.Combine(folder, string.Concat(model.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '_')) + ".json");
        _store.Reloaded += OnReloaded;
        Request(_store.Current);
    }

    /// <summary>The cache file for the configured embedding model.</summary>
    public string CacheFile { get; }

    /// <summary>Unit vectors by section id for exactly this knowledge version, or null while they are not built yet.</summary>
    public IReadOnlyDictionary<string, float[]>? ReadyFor(KnowledgeSnapshot knowledge) =>
        Volatile.Read(ref _current) is { } ready && ready.Version == knowledge.Version ? ready.ById : null;

    /// <summary>Embeds texts and returns unit-length vectors.</summary>
    public async Task<float[][]> EmbedAsync(IList<string> texts, CancellationToken cancellationToken)
    {
        var result = await _generator.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.Count != texts.Count)
        {
            throw new InvalidOperationException($"the embedding server returned {result.Count} vectors for {texts.Count} texts");
        }

        return result.Select(e => Unit(e.Vector.ToArray())).ToArray();
    }

    public void Dispose()
    {
        _store.Reloaded -= OnReloaded;
        _stopping.Cancel();
        Task building;
        lock (_lock)
        {
            building = _building;
        }

        // The loop ends at its next await; waiting for it keeps the cache file from being written after disposal.
        try
        {
            building.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stopping.Dispose();
    }

    internal static string EmbeddedText(KnowledgeSection section) => section.Label + "\n" + section.Text;

    private void OnReloaded(object? sender, ReloadReport report)
    {
        if (report.Succeeded)
        {
            Request(_store.Current);
        }
    }

    /// <summary>Asks for vectors of <paramref name="knowledge"/>: starts the build loop, or wakes it from a retry wait.</summary>
    private void Request(KnowledgeSnapshot knowledge)
    {
        lock (_lock)
        {
            _wanted = knowledge;
            _wake.TrySetResult();
            if (!_running && !_stopping.IsCancellationRequested)
            {
                _running = true;
                _building = Task.Run(BuildLoopAsync);
            }
        }
    }

    private async Task BuildLoopAsync()
    {
        var retry = FirstRetry;
        while (true)
        {
            KnowledgeSnapshot target;
            Task wake;
            lock (_lock)
            {
                if (_stopping.IsCancellationRequested || _wanted is null || ReadyFor(_wanted) is not null)
                {
                    _running = false; // a later Request starts the loop again
                    return;
                }

                target = _wanted;
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wake = _wake.Task;
            }

            try
            {
                await BuildAsync(target, _stopping.Token).ConfigureAwait(false);
                retry = FirstRetry;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.BuildFailed(_logger, target.Version, ex.GetType().Name, Status(ex), retry.TotalSeconds);
                Log.BuildFailureDetail(_logger, ex.Message);
                try
                {
                    // A reload wakes the loop early; otherwise wait, longer after each failure.
                    await Task.WhenAny(Task.Delay(retry, _time, _stopping.Token), wake).ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                retry = retry * 2 > LastRetry ? LastRetry : retry * 2;
            }
        }
    }

    private async Task BuildAsync(KnowledgeSnapshot knowledge, CancellationToken cancellationToken)
    {
        _byHash ??= LoadCache();
        var keyed = knowledge.Sections.Select(s => (Section: s, Hash: Hash(EmbeddedText(s)))).ToList();
        var missing = keyed.Where(k => !_byHash.ContainsKey(k.Hash)).DistinctBy(k => k.Hash).ToList();
        var embedded = 0;
        try
        {
            foreach (var batch in missing.Chunk(BatchSize))
            {
                // Each batch gets the model's time budget: a hung server fails the build, it cannot stall it forever.
                using var timeout = new CancellationTokenSource(_batchTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                var vectors = await EmbedAsync(batch.Select(b => EmbeddedText(b.Section)).ToList(), linked.Token).ConfigureAwait(false);
                for (var i = 0; i < batch.Length; i++)
                {
                    _byHash[batch[i].Hash] = vectors[i];
                }

                embedded += batch.Length;
            }
        }
        finally
        {
            if (embedded > 0 && !cancellationToken.IsCancellationRequested)
            {
                SaveCache(_byHash); // what was embedded is not embedded again, even when a later batch failed
            }
        }

        if (missing.Count > 0)
        {
            // Only the vectors of the knowledge served stay in the cache.
            var live = keyed.Select(k => k.Hash).ToHashSet(StringComparer.Ordinal);
            _byHash = _byHash.Where(kv => live.Contains(kv.Key)).ToDictionary(StringComparer.Ordinal);
            SaveCache(_byHash);
        }

        var byId = keyed.ToDictionary(k => k.Section.Id, k => _byHash[k.Hash], StringComparer.Ordinal);
        Volatile.Write(ref _current, new Snapshot(knowledge.Version, byId));
        Log.Embedded(_logger, knowledge.Version, missing.Count, keyed.Count - missing.Count);
    }

    /// <summary>The HTTP status an embedding failure carried, when it did ("none" otherwise).</summary>
    internal static string Status(Exception ex) => ModelAnswerComposer.StatusOf(ex)?.ToString() ?? "none";

    private static string DefaultFolder(string knowledgePath)
    {
        var full = Path.GetFullPath(knowledgePath.TrimEnd('/', '\\'));
        var parent = Path.GetDirectoryName(full) ?? full;
        return Path.Combine(parent, ".advisor-cache", "embeddings");
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static float[] Unit(float[] v)
    {
        var norm = TensorPrimitives.Norm(v);
        if (norm > 0)
        {
            TensorPrimitives.Divide(v, norm, v);
        }

        return v;
    }

    private Dictionary<string, float[]> LoadCache()
    {
        try
        {
            if (File.Exists(CacheFile))
            {
                using var stream = File.OpenRead(CacheFile);
                return JsonSerializer.Deserialize<Dictionary<string, float[]>>(stream) is { } loaded
                    ? new Dictionary<string, float[]>(loaded, StringComparer.Ordinal)
                    : new(StringComparer.Ordinal);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            Log.CacheUnreadable(_logger, CacheFile, ex.Message);
        }

        return new(StringComparer.Ordinal);
    }

    private void SaveCache(Dictionary<string, float[]> vectors)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CacheFile)!);
            var temp = CacheFile + ".tmp";
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(vectors));
            File.Move(temp, CacheFile, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.CacheUnwritable(_logger, CacheFile, ex.Message);
        }
    }

    private sealed record Snapshot(string Version, IReadOnlyDictionary<string, float[]> ById);

    private static partial class Log
    {
        [LoggerMessage(330, LogLevel.Information, "Embeddings for knowledge {Version}: {Embedded} sections embedded, {Cached} from the cache")]
        public static partial void Embedded(ILogger logger, string version, int embedded, int cached);

        [LoggerMessage(331, LogLevel.Warning, "The embedding cache {File} could not be read ({Error}); embedding again")]
        public static partial void CacheUnreadable(ILogger logger, string file, string error);

        [LoggerMessage(332, LogLevel.Warning, "The embedding cache {File} could not be written ({Error})")]
        public static partial void CacheUnwritable(ILogger logger, string file, string error);

        [LoggerMessage(333, LogLevel.Warning, "Embedding the sections of knowledge {Version} failed ({ExceptionType}, HTTP status {Status}); retrieval stays lexical, trying again in {Seconds:0} s or at the next reload")]
        public static partial void BuildFailed(ILogger logger, string version, string exceptionType, string status, double seconds);

        [LoggerMessage(334, LogLevel.Debug, "Embedding failure detail: {Error}")]
        public static partial void BuildFailureDetail(ILogger logger, string error);
    }
}
