using Microsoft.SemanticKernel;

namespace Advisor.Core.Semantic;

/// <summary>
/// The prompt templates in the prompts folder, one sub-folder each with <c>skprompt.txt</c> and an optional
/// <c>config.json</c> (Semantic Kernel's folder layout). Admins edit them without a rebuild; they reload with the knowledge.
/// </summary>
public sealed class PromptLibrary
{
    public const string Answer = "answer";
    public const string Compare = "compare";

    private readonly Dictionary<string, PromptTemplateConfig> _prompts;

    private PromptLibrary(Dictionary<string, PromptTemplateConfig> prompts, IReadOnlyList<string> errors)
    {
        _prompts = prompts;
        Errors = errors;
    }

    /// <summary>Problems met while loading (a template that does not parse, a bad config.json).</summary>
    public IReadOnlyList<string> Errors { get; }

    public IReadOnlyCollection<string> Names => _prompts.Keys;

    public PromptTemplateConfig? Get(string name) => _prompts.GetValueOrDefault(name);

    /// <summary>Loads and checks every template; a missing folder gives an empty library with an error.</summary>
    public static PromptLibrary Load(string folder)
    {
        var prompts = new Dictionary<string, PromptTemplateConfig>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        if (!Directory.Exists(folder))
        {
            errors.Add($"the prompts folder '{folder}' does not exist");
            return new PromptLibrary(prompts, errors);
        }

        var factory = new KernelPromptTemplateFactory();
        foreach (var dir in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            var templatePath = Path.Combine(dir, "skprompt.txt");
            if (!File.Exists(templatePath))
            {
                continue;
            }

            try
            {
                var configPath = Path.Combine(dir, "config.json");
                var config = File.Exists(configPath) ? PromptTemplateConfig.FromJson(File.ReadAllText(configPath)) : new PromptTemplateConfig();
                config.Template = File.ReadAllText(templatePath);
                config.Name ??= name;
                _ = factory.Create(config); // parses the template: a syntax error surfaces here, at load
                prompts[name] = config;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or KernelException or System.Text.Json.JsonException)
            {
                errors.Add($"prompts/{name}: {ex.Message}");
            }
        }

        foreach (var required in new[] { Answer, Compare })
        {
            if (!prompts.ContainsKey(required))
            {
                errors.Add($"prompts/{required}/skprompt.txt is missing");
            }
        }

        return new PromptLibrary(prompts, errors);
    }
}
