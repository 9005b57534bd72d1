namespace Advisor.Models;

/// <summary>Why hybrid retrieval stayed lexical for a question (the "reason" tag of advisor.retrieval.degraded).</summary>
public static class RetrievalDegradedReason
{
    /// <summary>The section vectors for the knowledge being served are still being built (start-up, after a reload, or after a failed build).</summary>
    public const string VectorsNotReady = "vectors-not-ready";

    /// <summary>The question's embedding took longer than Advisor:Model:QuestionEmbeddingTimeoutSeconds.</summary>
    public const string Timeout = "timeout";

    /// <summary>The embedding server failed the question's embedding.</summary>
    public const string EmbeddingFailed = "embedding-failed";
}
