using System.ComponentModel.DataAnnotations;

namespace Advisor.Models;

/// <summary>Settings under "Advisor:Model": which model writes the answers, and how it is reached.</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Advisor:Model";

    /// <summary>"none" (default: extractive answers), "openai" (any OpenAI-compatible endpoint) or "ollama".</summary>
    public string Provider { get; set; } = ModelProviders.None;

    /// <summary>Base URL of the server, e.g. "https://api.openai.com/v1", "http://localhost:8000/v1", "http://localhost:11434".</summary>
    public string? Endpoint { get; set; }

    /// <summary>API key sent as a bearer token (OpenAI-compatible servers). Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The chat model (or Azure deployment) name.</summary>
    public string? Model { get; set; }

    /// <summary>The embedding model; when set, retrieval becomes hybrid (BM25 + vectors).</summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>Where embedding vectors are cached; default ".advisor-cache/embeddings" next to the knowledge folder.</summary>
    public string? EmbeddingCachePath { get; set; }

    /// <summary>The whole budget for one model answer, retries included.</summary>
    [Range(1, 600, ErrorMessage = "Advisor:Model:TimeoutSeconds must be between 1 and 600")]
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// How long the question's own embedding may take (hybrid retrieval only; capped by <see cref="TimeoutSeconds"/>).
    /// A slower embedding server leaves that question's retrieval lexical instead of delaying the answer.
    /// </summary>
    [Range(0.1, 60, ErrorMessage = "Advisor:Model:QuestionEmbeddingTimeoutSeconds must be between 0.1 and 60")]
    public double QuestionEmbeddingTimeoutSeconds { get; set; } = 5;

    [Range(16, 32000, ErrorMessage = "Advisor:Model:MaxOutputTokens must be between 16 and 32000")]
    public int MaxOutputTokens { get; set; } = 800;

    [Range(0.0, 2.0, ErrorMessage = "Advisor:Model:Temperature must be between 0 and 2")]
    public double Temperature { get; set; } = 0.2;

    /// <summary>How many times a 429 (rate limited) request is retried after its Retry-After.</summary>
    [Range(0, 5, ErrorMessage = "Advisor:Model:MaxRetries must be between 0 and 5")]
    public int MaxRetries { get; set; } = 2;

    /// <summary>The longest Retry-After honoured; a longer one gives up at once (the extractive answer is used).</summary>
    [Range(0, 120, ErrorMessage = "Advisor:Model:MaxRetryDelaySeconds must be between 0 and 120")]
    public double MaxRetryDelaySeconds { get; set; } = 10;

    /// <summary>Let the model call the knowledge tools (search_sections, compare_roles, list_roles).</summary>
    public bool UseTools { get; set; } = true;

    internal bool IsOpenAI => string.Equals(Provider?.Trim(), ModelProviders.OpenAI, StringComparison.OrdinalIgnoreCase);

    internal bool IsOllama => string.Equals(Provider?.Trim(), ModelProviders.Ollama, StringComparison.OrdinalIgnoreCase);

    internal Uri ResolvedEndpoint => new(string.IsNullOrWhiteSpace(Endpoint)
        ? (IsOllama ? ModelProviders.DefaultOllamaEndpoint : ModelProviders.DefaultOpenAIEndpoint)
        : Endpoint.Trim());
}

/// <summary>The provider names <see cref="ModelOptions.Provider"/> accepts.</summary>
public static class ModelProviders
{
    public const string None = "none";
    public const string OpenAI = "openai";
    public const string Ollama = "ollama";

    internal const string DefaultOpenAIEndpoint = "https://api.openai.com/v1";
    internal const string DefaultOllamaEndpoint = "http://localhost:11434";

    internal static bool IsNone(string? provider) => string.IsNullOrWhiteSpace(provider) || string.Equals(provider.Trim(), None, StringComparison.OrdinalIgnoreCase);
}
