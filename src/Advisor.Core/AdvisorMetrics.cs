using System.Diagnostics.Metrics;

namespace Advisor.Core;

/// <summary>The core's instruments, on the "Advisor" meter (exported by the host).</summary>
public sealed class AdvisorMetrics : IDisposable
{
    public const string MeterName = "Advisor";

    private readonly Meter _meter;
    private readonly Counter<long> _questions;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _abstentions;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _reloads;
    private readonly Counter<long> _retrievalDegraded;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _rateLimitWaits;
    private readonly Histogram<double> _rateLimitWaitDuration;
    private readonly Counter<long> _feedback;

    public AdvisorMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _questions = _meter.CreateCounter<long>("advisor.questions", description: "Questions answered, by platform and outcome");
        _latency = _meter.CreateHistogram<double>("advisor.answer.duration", unit: "ms", description: "Time to compose an answer");
        _abstentions = _meter.CreateCounter<long>("advisor.abstentions", description: "Questions the knowledge did not cover");
        _fallbacks = _meter.CreateCounter<long>("advisor.model.fallbacks", description: "Model answers replaced by the extractive answer, by reason");
        _reloads = _meter.CreateCounter<long>("advisor.reloads", description: "Knowledge reloads, by result");
        _retrievalDegraded = _meter.CreateCounter<long>("advisor.retrieval.degraded", description: "Questions retrieved lexically only although hybrid retrieval is configured, by reason");
        _reconnects = _meter.CreateCounter<long>("advisor.platform.reconnects", description: "Platform connections re-established, by platform and reason");
        _refused = _meter.CreateCounter<long>("advisor.questions.refused", description: "Questions not taken on, by platform and reason (busy, shutting_down, rate_limited)");
        _rateLimitWaits = _meter.CreateCounter<long>("advisor.platform.rate_limit.waits", description: "Times a platform's rate limit made the bot wait before sending, by platform");
        _feedback = _meter.CreateCounter<long>("advisor.feedback", description: "Feedback clicks kept, by platform, rating (up, down) and whether words came with it");
        _rateLimitWaitDuration = _meter.CreateHistogram<double>("advisor.platform.rate_limit.wait.duration", unit: "ms", description: "How long the bot waited for a platform's rate limit");
    }

    public void Answered(string platform, string outcome, double milliseconds)
    {
        var tags = new KeyValuePair<string, object?>[] { new("platform", platform), new("outcome", outcome) };
        _questions.Add(1, tags);
        _latency.Record(milliseconds, new KeyValuePair<string, object?>("platform", platform));
        if (outcome == "abstained")
        {
            _abstentions.Add(1, new KeyValuePair<string, object?>("platform", platform));
        }
    }

    public void ModelFallback(string reason) => _fallbacks.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A question's retrieval stayed lexical although a refiner (e.g. vector similarity) was configured; counted once per question.</summary>
    public void RetrievalDegraded(string reason) => _retrievalDegraded.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Reloaded(bool succeeded) => _reloads.Add(1, new KeyValuePair<string, object?>("result", succeeded ? "ok" : "failed"));

    /// <summary>A platform adapter re-established its connection (resumed or reconnected after a drop).</summary>
    public void PlatformReconnected(string platform, string reason) =>
        _reconnects.Add(1, new KeyValuePair<string, object?>("platform", platform), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A platform's rate limit made an adapter wait <paramref name="wait"/> before sending.</summary>
    public void PlatformRateLimitWaited(string platform, TimeSpan wait)
    {
        var tag = new KeyValuePair<string, object?>("platform", platform);
        _rateLimitWaits.Add(1, tag);
        _rateLimitWaitDuration.Record(wait.TotalMilliseconds, tag);
    }

    /// <summary>A question not taken on: the queue was full ("busy"), shutdown had begun ("shutting_down"), or the user was over the limit ("rate_limited").</summary>
    public void Refused(string platform, string reason) =>
        _refused.Add(1, new KeyValuePair<string, object?>("platform", platform), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A 👍/👎 kept with its turn.</summary>
    public void Feedback(string platform, string rating, bool withText) =>
        _feedback.Add(1, new KeyValuePair<string, object?>("platform", platform), new KeyValuePair<string, object?>("rating", rating), new KeyValuePair<string, object?>("text", withText ? "yes" : "no"));

    public void Dispose() => _meter.Dispose();
}
