using System.Diagnostics;
using System.Runtime.CompilerServices;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;
using Advisor.Core.Roles;
using Advisor.Core.Semantic;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Advisor.Core;

/// <summary>
/// The answering pipeline, hosted by Semantic Kernel: retrieval runs as the knowledge plugin's function,
/// then the configured <see cref="IAnswerComposer"/> writes the answer.
/// </summary>
public sealed partial class AdvisorService : IAdvisor
{
    private readonly IKnowledgeStore _store;
    private readonly Kernel _kernel;
    private readonly KernelFunction _retrieve;
    private readonly IAnswerComposer _composer;
    private readonly IRetrievalRefiner[] _refiners;
    private readonly AdvisorMetrics _metrics;
    private readonly ILogger<AdvisorService> _logger;

    public AdvisorService(IKnowledgeStore store, Kernel kernel, IAnswerComposer composer, IEnumerable<IRetrievalRefiner> refiners, AdvisorMetrics metrics, ILogger<AdvisorService> logger)
    {
        _store = store;
        _kernel = kernel;
        _retrieve = kernel.Plugins.GetFunction(KnowledgePlugin.PluginName, KnowledgePlugin.RetrieveFunction);
        _composer = composer;
        _refiners = refiners.ToArray();
        _metrics = metrics;
        _logger = logger;
        _store.Reloaded += (_, report) => _metrics.Reloaded(report.Succeeded);
    }

    public KnowledgeSnapshot Knowledge => _store.Current;

    public async Task<Answer> AskAsync(AdvisorQuestion question, CancellationToken cancellationToken = default)
    {
        Answer? final = null;
        await foreach (var update in AskStreamingAsync(question, cancellationToken).ConfigureAwait(false))
        {
            final = update.Final ?? final;
        }

        return final ?? throw new InvalidOperationException("the composer finished without an answer");
    }

    public async IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AdvisorQuestion question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (QuestionValidation.Problem(question.Text) is { } problem)
        {
            throw new InvalidQuestionException(problem);
        }

        var clock = Stopwatch.StartNew();
        if (ChatCommands.Reply(_store.Current, question.Text, out var asked) is { } reply)
        {
            _metrics.Answered(question.Platform, "command", clock.Elapsed.TotalMilliseconds);
            yield return new AnswerUpdate(reply.Text, reply);
            yield break;
        }

        if (asked is not null)
        {
            question = question with { Text = asked }; // "/ask …" typed in a message
        }

        var arguments = new KernelArguments
        {
            ["question"] = question.Text.Trim(),
            ["history"] = question.History,
        };
        var retrieval = (await _retrieve.InvokeAsync(_kernel, arguments, cancellationToken).ConfigureAwait(false)).GetValue<RetrievalResult>()!;
        foreach (var refiner in _refiners)
        {
            retrieval = await refiner.RefineAsync(question, retrieval, cancellationToken).ConfigureAwait(false);
        }

        Log.Retrieved(_logger, question.Platform, retrieval.Ranked.Count, retrieval.InScope, retrieval.Query.Aspect);

        var counted = false;
        await foreach (var update in _composer.ComposeStreamingAsync(question, retrieval, cancellationToken).ConfigureAwait(false))
        {
            // Counted before the final update is handed out: a reader that stops at the first whole answer (a platform
            // reply posting it at once) never resumes this method, and the question would go uncounted.
            if (update.Final is { } final && !counted)
            {
                counted = true;
                _metrics.Answered(question.Platform, final.Abstained ? "abstained" : final.Composer, clock.Elapsed.TotalMilliseconds);
            }

            yield return update;
        }
    }

    public CompareOutcome Compare(string roleA, string roleB, string? aspect = null) =>
        RoleComparer.Compare(_store.Current, roleA, roleB, aspect);

    public IReadOnlyList<RoleInfo> Roles() => _store.Current.Catalog.Roles;

    public IReadOnlyList<RoleInfo> SuggestRoles(string fragment, int max = 25) => _store.Current.Catalog.Suggest(fragment, max);

    public Task<ReloadReport> ReloadAsync(CancellationToken cancellationToken = default) => _store.ReloadAsync(cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Debug, "Retrieved {Count} sections for a {Platform} question (in scope: {InScope}, aspect: {Aspect})")]
        public static partial void Retrieved(ILogger logger, string platform, int count, bool inScope, string? aspect);
    }
}
