using System.ClientModel;
using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;
using Advisor.Core.Semantic;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Advisor.Models;

/// <summary>
/// Composes answers with the configured chat model through Semantic Kernel: renders the answer (or compare)
/// template over the retrieved sections, streams the model's text, then keeps only the citations that check
/// out (<see cref="Grounding"/>). Anything that goes wrong — timeout, 429, 5xx, a malformed or empty reply,
/// a refusal, an answer with no valid citation — gives the extractive answer instead, logged and counted.
/// </summary>
public sealed partial class ModelAnswerComposer : IAnswerComposer
{
    /// <summary>How many retrieved sections the model sees.</summary>
    public const int SectionsShown = 6;

    private const int HistoryTurns = 3;
    private const int MaxToolRounds = 4;

    private readonly Kernel _kernel;
    private readonly ModelPrompts _prompts;
    private readonly ModelOptions _options;
    private readonly AdvisorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelAnswerComposer> _logger;
    private readonly KernelFunction[] _tools;

    internal ModelAnswerComposer(Kernel kernel, ModelPrompts prompts, IOptions<ModelOptions> options, AdvisorMetrics metrics, TimeProvider time, ILogger<ModelAnswerComposer> logger)
    {
        _kernel = kernel;
        _prompts = prompts;
        _options = options.Value; // validates the settings: a bad one fails here, at start-up
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _tools = KnowledgePlugin.ToolFunctions.Select(name => kernel.Plugins.GetFunction(KnowledgePlugin.PluginName, name)).ToArray();
    }

    public async IAsyncEnumerable<AnswerUpdate> ComposeStreamingAsync(AdvisorQuestion question, RetrievalResult retrieval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (retrieval.Query.Intent is not (AnswerKind.Answer or AnswerKind.Comparison))
        {
            // Small talk, role profiles and the plain "the articles don't cover that role/topic" replies come from the
            // question reading and the knowledge's structure: the same, and as honest, with or without a model.
            var direct = ExtractiveComposer.Compose(retrieval);
            yield return new AnswerUpdate(direct.Text, direct);
            yield break;
        }

        var comparing = retrieval.Query.Intent == AnswerKind.Comparison;
        var promptName = comparing ? PromptLibrary.Compare : PromptLibrary.Answer;
        var function = _prompts.Get(promptName) ?? _prompts.Get(PromptLibrary.Answer);
        if (function is null)
        {
            var missing = Fallback(retrieval, FallbackReason.PromptMissing);
            yield return new AnswerUpdate(missing.Text, missing);
            yield break;
        }

        var knowledge = retrieval.Knowledge;
        // For a comparison the model sees each side's sections first (the ones the extractive answer would quote).
        var shown = (comparing ? ExtractiveComposer.SectionsUsed(retrieval) : [])
            .Concat(retrieval.Ranked.Select(s => s.Section)).DistinctBy(s => s.Id).Take(SectionsShown).ToList();
        var citable = new ConcurrentDictionary<string, KnowledgeSection>(shown.Select(s => KeyValuePair.Create(s.Id, s)), StringComparer.Ordinal);
        var fence = "DATA-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var arguments = new KernelArguments(ExecutionSettings())
        {
            ["fence"] = fence,
            ["question"] = Defang(question.Text.Trim(), fence),
            ["sections"] = RenderSections(shown, fence),
            ["conversation"] = RenderHistory(question.History, fence),
            ["roles"] = string.Join(", ", retrieval.Query.Roles.Select(r => r.Name)),
            ["aspect"] = retrieval.Query.Aspect ?? "",
        };

        var kernel = _kernel.Clone();
        kernel.AutoFunctionInvocationFilters.Add(new ToolResultCollector(knowledge, citable));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.TimeoutSeconds), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var streamed = new StreamedText();
        var emittedAny = false;
        string? failure = null;
        var refused = false;
        var stream = function.InvokeStreamingAsync<StreamingKernelContent>(kernel, arguments, linked.Token).GetAsyncEnumerator(linked.Token);
        try
        {
            while (true)
            {
                StreamingKernelContent chunk;
                try
                {
                    if (!await stream.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    chunk = stream.Current;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = timeout.IsCancellationRequested ? FallbackReason.Timeout : Classify(ex);
                    Log.ModelCallFailed(_logger, failure, ex.GetType().Name, StatusOf(ex)?.ToString() ?? "none");
                    Log.ModelCallFailureDetail(_logger, ex.Message); // provider messages can echo the request: Debug only
                    break;
                }

                refused |= IsRefusal(chunk);
                if (streamed.Add(chunk.ToString()) is { Length: > 0 } delta)
                {
                    emittedAny = true;
                    yield return new AnswerUpdate(delta);
                }
            }
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }

        var raw = streamed.Raw;
        Answer final;
        if (failure is not null)
        {
            final = Fallback(retrieval, failure);
        }
        else if (refused)
        {
            final = Fallback(retrieval, FallbackReason.Refusal);
        }
        else if (string.IsNullOrWhiteSpace(Grounding.Visible(raw)))
        {
            final = Fallback(retrieval, FallbackReason.Empty);
        }
        else
        {
            var checkedAnswer = Grounding.Check(raw, citable);
            Log.Grounded(_logger, checkedAnswer.Citations.Count, checkedAnswer.Removed);
            final = checkedAnswer.Citations.Count == 0
                ? Fallback(retrieval, FallbackReason.Ungrounded)
                : new Answer
                {
                    Text = MentionGuard.Neutralize(checkedAnswer.Text),
                    Citations = checkedAnswer.Citations,
                    Kind = retrieval.Query.Intent,
                    Confidence = retrieval.Confidence,
                    Composer = "model",
                    Note = checkedAnswer.Removed == 0 ? null
                        : $"{checkedAnswer.Removed} citation(s) in the model's answer did not match the knowledge and were removed.",
                    Roles = retrieval.Query.Roles.Count > 0
                        ? retrieval.Query.Roles.Select(r => r.Name).ToList()
                        : checkedAnswer.Citations.Select(c => c.Role).OfType<string>().Distinct().ToList(),
                    Aspect = retrieval.Query.Aspect ?? shown.FirstOrDefault()?.Aspect,
                    KnowledgeVersion = knowledge.Version,
                };
        }

        yield return new AnswerUpdate(emittedAny ? "" : final.Text, final);
    }

    private PromptExecutionSettings ExecutionSettings() => new()
    {
        ExtensionData = new Dictionary<string, object>
        {
            ["max_tokens"] = _options.MaxOutputTokens,
            ["temperature"] = _options.Temperature,
        },
        FunctionChoiceBehavior = _options.UseTools ? FunctionChoiceBehavior.Auto(_tools, autoInvoke: true) : null,
    };

    private Answer Fallback(RetrievalResult retrieval, string reason)
    {
        _metrics.ModelFallback(reason);
        Log.Fallback(_logger, reason);
        var extractive = ExtractiveComposer.Compose(retrieval);
        return extractive with
        {
            Composer = "extractive-fallback",
            Note = reason == FallbackReason.Ungrounded
                ? "The model's answer could not be grounded in the knowledge, so this answer quotes the knowledge directly."
                : $"The model could not answer ({FallbackReason.Describe(reason)}), so this answer quotes the knowledge directly.",
        };
    }

    private static bool IsRefusal(StreamingKernelContent chunk)
    {
        if (chunk.Metadata is not { } metadata)
        {
            return false;
        }

        if ((metadata.TryGetValue("RefusalUpdate", out var refusal) || metadata.TryGetValue("Refusal", out refusal))
            && refusal?.ToString() is { Length: > 0 })
        {
            return true;
        }

        return metadata.TryGetValue("FinishReason", out var finish)
            && finish?.ToString() is { } reason
            && reason.Replace("_", "", StringComparison.Ordinal).Equals("contentfilter", StringComparison.OrdinalIgnoreCase);
    }

    internal static string Classify(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case HttpOperationException { StatusCode: { } status }:
                    return FromStatus(status);
                case HttpRequestException { StatusCode: { } status }:
                    return FromStatus(status);
                case ClientResultException { Status: > 0 } result:
                    return FromStatus((HttpStatusCode)result.Status);
                case System.Text.Json.JsonException or FormatException:
                    return FallbackReason.Malformed;
                case HttpRequestException:
                    return FallbackReason.Unavailable;
                case TimeoutException:
                    return FallbackReason.Timeout;
                default:
                    break;
            }
        }

        return FallbackReason.Malformed;
    }

    /// <summary>The HTTP status a provider failure carried, if any (safe to log: it never holds user text).</summary>
    internal static int? StatusOf(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case HttpOperationException { StatusCode: { } status }:
                    return (int)status;
                case HttpRequestException { StatusCode: { } status }:
                    return (int)status;
                case ClientResultException { Status: > 0 } result:
                    return result.Status;
                default:
                    break;
            }
        }

        return null;
    }

    private static string FromStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.TooManyRequests => FallbackReason.RateLimited,
        >= HttpStatusCode.InternalServerError => FallbackReason.ServerError,
        _ => FallbackReason.Rejected,
    };

    private static string RenderSections(IEnumerable<KnowledgeSection> sections, string fence)
    {
        var sb = new StringBuilder();
        foreach (var s in sections)
        {
            sb.Append(fence).Append(" SECTION id=").Append(s.Id).Append('\n')
                .Append("label: ").Append(Defang(s.Label, fence)).Append('\n')
                .Append(Defang(s.Text, fence)).Append('\n')
                .Append(fence).Append(" END SECTION\n\n");
        }

        return sb.ToString().TrimEnd();
    }

    private static string RenderHistory(IReadOnlyList<ConversationTurn> history, string fence)
    {
        if (history.Count == 0)
        {
            return "(none)";
        }

        var sb = new StringBuilder();
        foreach (var turn in history.TakeLast(HistoryTurns))
        {
            sb.Append("Earlier question: ").Append(Defang(turn.Question, fence)).Append('\n');
            if (turn.Answer is { } answer)
            {
                var text = answer.Text.Length > 600 ? answer.Text[..600] + " …" : answer.Text;
                sb.Append("Earlier answer: ").Append(Defang(text, fence)).Append('\n');
            }
        }

        return sb.ToString().TrimEnd();
    }

    /// <summary>Data can never close its own fence (the fence is random per request; this is belt and braces).</summary>
    private static string Defang(string text, string fence) => text.Replace(fence, "DATA", StringComparison.Ordinal);

    /// <summary>Makes the sections a knowledge tool returned citable, and bounds the tool rounds.</summary>
    private sealed class ToolResultCollector(KnowledgeSnapshot knowledge, ConcurrentDictionary<string, KnowledgeSection> citable) : IAutoFunctionInvocationFilter
    {
        public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
        {
            if (context.RequestSequenceIndex >= MaxToolRounds)
            {
                context.Terminate = true;
                return;
            }

            await next(context).ConfigureAwait(false);
            IEnumerable<string> ids = context.Result.GetValue<object>() switch
            {
                IEnumerable<SectionHit> hits => hits.Select(h => h.Id),
                Advisor.Core.Comparison.RoleComparison comparison => comparison.Rows
                    .SelectMany(r => r.PresentCells())
                    .Select(c => c.Citation.SectionId),
                _ => [],
            };
            foreach (var id in ids)
            {
                if (knowledge.SectionsById.TryGetValue(id, out var section))
                {
                    citable.TryAdd(id, section);
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(310, LogLevel.Warning, "The model call failed ({Reason}): {ExceptionType}, HTTP status {Status}")]
        public static partial void ModelCallFailed(ILogger logger, string reason, string exceptionType, string status);

        [LoggerMessage(313, LogLevel.Debug, "Model call failure detail: {Error}")]
        public static partial void ModelCallFailureDetail(ILogger logger, string error);

        [LoggerMessage(311, LogLevel.Warning, "Model answer replaced by the extractive answer: {Reason}")]
        public static partial void Fallback(ILogger logger, string reason);

        [LoggerMessage(312, LogLevel.Debug, "Model answer checked: {Valid} valid citations, {Removed} removed")]
        public static partial void Grounded(ILogger logger, int valid, int removed);
    }
}
