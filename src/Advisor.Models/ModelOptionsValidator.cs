using Microsoft.Extensions.Options;

namespace Advisor.Models;

/// <summary>The checks that depend on the provider: each failure names the setting to fix.</summary>
internal sealed class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
    private const string Prefix = ModelOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        var failures = new List<string>();
        var provider = options.Provider?.Trim() ?? "";
        if (ModelProviders.IsNone(provider))
        {
            return ValidateOptionsResult.Success;
        }

        if (!options.IsOpenAI && !options.IsOllama)
        {
            return ValidateOptionsResult.Fail($"{Prefix}Provider must be none, openai or ollama (it is '{provider}')");
        }

        var key = provider.ToLowerInvariant();
        if (string.IsNullOrWhiteSpace(options.Model))
        {
            failures.Add($"{Prefix}Model is required when {Prefix}Provider is {key}");
        }

        if (!string.IsNullOrWhiteSpace(options.Endpoint)
            && (!Uri.TryCreate(options.Endpoint.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"{Prefix}Endpoint must be an absolute http(s) URL (it is '{options.Endpoint}')");
        }

        if (options.IsOpenAI && string.IsNullOrWhiteSpace(options.Endpoint) && string.IsNullOrWhiteSpace(options.ApiKey))
        {
            failures.Add($"{Prefix}ApiKey is required when {Prefix}Provider is openai and no {Prefix}Endpoint is set (api.openai.com needs a key)");
        }

        if (options.EmbeddingModel is { } embedding && embedding.Length > 0 && string.IsNullOrWhiteSpace(embedding))
        {
            failures.Add($"{Prefix}EmbeddingModel must not be blank");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
