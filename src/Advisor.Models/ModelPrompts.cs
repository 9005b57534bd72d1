using Advisor.Core;
using Advisor.Core.Knowledge;
using Advisor.Core.Semantic;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Advisor.Models;

/// <summary>
/// The answer and compare templates as kernel functions, read from the prompts folder at start-up and again
/// after every knowledge reload, so an admin's edit takes effect without a rebuild. A template that no longer
/// loads keeps its last good version.
/// </summary>
internal sealed partial class ModelPrompts : IDisposable
{
    private readonly string _folder;
    private readonly IKnowledgeStore _store;
    private readonly ILogger<ModelPrompts> _logger;
    private Dictionary<string, KernelFunction> _functions = new(StringComparer.OrdinalIgnoreCase);

    public ModelPrompts(IOptions<AdvisorOptions> advisorOptions, IKnowledgeStore store, ILogger<ModelPrompts> logger)
    {
        _folder = advisorOptions.Value.PromptsPath;
        _store = store;
        _logger = logger;
        Load();
        _store.Reloaded += OnReloaded;
    }

    /// <summary>The function for a template, or null when it never loaded.</summary>
    public KernelFunction? Get(string name) => Volatile.Read(ref _functions).GetValueOrDefault(name);

    /// <summary>Reads the folder again.</summary>
    public void Load()
    {
        var library = PromptLibrary.Load(_folder);
        foreach (var error in library.Errors)
        {
            Log.PromptProblem(_logger, error);
        }

        var next = new Dictionary<string, KernelFunction>(Volatile.Read(ref _functions), StringComparer.OrdinalIgnoreCase);
        foreach (var name in library.Names)
        {
            var config = library.Get(name)!;
            next[name] = KernelFunctionFactory.CreateFromPrompt(config, new KernelPromptTemplateFactory());
        }

        Volatile.Write(ref _functions, next);
    }

    public void Dispose() => _store.Reloaded -= OnReloaded;

    private void OnReloaded(object? sender, ReloadReport report) => Load();

    private static partial class Log
    {
        [LoggerMessage(320, LogLevel.Error, "Prompt template problem: {Problem}")]
        public static partial void PromptProblem(ILogger logger, string problem);
    }
}
