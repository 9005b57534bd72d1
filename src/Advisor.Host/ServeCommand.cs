using Advisor.Core;
using Advisor.Core.Knowledge;
using Advisor.Host.Operations;
using Advisor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Advisor.Host;

/// <summary><c>advisor serve [--knowledge DIR] [--prompts DIR] [--urls URL] [--Section:Key=value ...]</c>.</summary>
internal static class ServeCommand
{
    public const string UsageText = """
        Usage: advisor serve [--knowledge DIR] [--prompts DIR] [--urls http://0.0.0.0:8080] [--Section:Key=value ...]

        Runs the configured chat platforms side by side, with the web page (Ask at http://localhost:8080/,
        Knowledge and Insights for admins), /healthz, /readyz, /metrics and POST /admin/reload on the HTTP port
        (default http://0.0.0.0:8080). Every setting is described in docs/operations.md.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter error)
    {
        if (args is ["--help"] or ["-h"])
        {
            await error.WriteLineAsync(UsageText).ConfigureAwait(false);
            return 0;
        }

        var overrides = new Dictionary<string, string?>();
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--knowledge" or "--prompts")
            {
                if (i + 1 >= args.Length)
                {
                    await error.WriteLineAsync($"error: {args[i]} needs a folder").ConfigureAwait(false);
                    return 2;
                }

                var key = args[i] == "--knowledge" ? nameof(AdvisorOptions.KnowledgePath) : nameof(AdvisorOptions.PromptsPath);
                overrides[$"{AdvisorOptions.SectionName}:{key}"] = args[++i];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        try
        {
            var app = AdvisorServer.Build(AdvisorServer.CreateBuilder([.. rest], overrides));
            await using (app.ConfigureAwait(false))
            {
                await app.RunAsync().ConfigureAwait(false);
            }

            return 0;
        }
        catch (Exception ex) when (StartupProblem(ex) is { } problem)
        {
            await error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>A start-up failure worth one clear line (a bad setting, unusable knowledge, a port in use), or null.</summary>
    internal static string? StartupProblem(Exception ex) => ex switch
    {
        OptionsValidationException o => $"invalid settings: {string.Join("; ", o.Failures)}",
        KnowledgeLoadException k => k.Message,
        StorageException s => s.Message,
        FormatException f => $"invalid settings: {f.Message}",
        IOException io when io.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) => io.Message,
        InvalidOperationException c when c.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => $"invalid settings: {c.Message}",
        InvalidOperationException { InnerException: { } inner } => StartupProblem(inner),
        AggregateException { InnerException: { } inner } => StartupProblem(inner),
        _ => null,
    };
}
