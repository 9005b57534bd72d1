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
/// Section vectors for the knowledge being served. Vectors are cached on disk keyed by a hash of the embedded
/// text (one file per embedding model), so a reload — or a restart — embeds only the sections that changed.
/// </summary>
internal sealed partial class EmbeddingIndex
{
    private const int BatchSize = 32;

    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly ILogger<EmbeddingIndex> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<string, float[]>? _byHash;
    private Snapshot? _current;

    public EmbeddingIndex(IEmbeddingGenerator<string, Embedding<float>> generator, IOptions<ModelOptions> options, IOptions<AdvisorOptions> advisorOptions, ILogger<EmbeddingIndex> logger)
    {
        _generator = generator;
        _logger = logger;
        var model = options.Value.EmbeddingModel!;
        var folder = string.IsNullOrWhiteSpace(options.Value.EmbeddingCachePath)
            ? DefaultFolder(advisorOptions.Value.KnowledgePath)
            : options.Value.EmbeddingCachePath;
        CacheFile = Path.Combine(folder, string.Concat(model.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '_')) + ".json");
    }

    /// <summary>The cache file for the configured embedding model.</summary>
    public string CacheFile { get; }

    /// <summary>Vectors (unit length) by section id for a snapshot, embedding only what the cache lacks.</summary>
    public async Task<IReadOnlyDictionary<string, float[]>> VectorsAsync(KnowledgeSnapshot knowledge, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _current) is { } ready && ready.Version == knowledge.Version)
        {
            return ready.ById;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { } again && again.Version == knowledge.Version)
            {
                return again.ById;
            }

            _byHash ??= LoadCache();
            var keyed = knowledge.Sections.Select(s => (Section: s, Hash: Hash(EmbeddedText(s)))).ToList();
            var missing = keyed.Where(k => !_byHash.ContainsKey(k.Hash)).DistinctBy(k => k.Hash).ToList();
            foreach (var batch in missing.Chunk(BatchSize))
            {
                var vectors = await EmbedAsync(batch.Select(b => EmbeddedText(b.Section)).ToList(), cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < batch.Length; i++)
                {
                    _byHash[batch[i].Hash] = vectors[i];
                }
            }

            if (missing.Count > 0)
            {
                var live = keyed.Select(k => k.Hash).ToHashSet(StringComparer.Ordinal);
                _byHash = _byHash.Where(kv => live.Contains(kv.Key)).ToDictionary(StringComparer.Ordinal);
                SaveCache(_byHash);
            }

            Log.Embedded(_logger, knowledge.Version, missing.Count, keyed.Count - missing.Count);
            var byId = keyed.ToDictionary(k => k.Section.Id, k => _byHash[k.Hash], StringComparer.Ordinal);
            Volatile.Write(ref _current, new Snapshot(knowledge.Version, byId));
            return byId;
        }
        finally
        {
            _gate.Release();
        }
    }

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

    internal static string EmbeddedText(KnowledgeSection section) => section.Label + "\n" + section.Text;

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
    }
}
