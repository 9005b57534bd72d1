using System.Diagnostics;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.LoadDriver;

/// <summary>
/// Does what a platform adapter does with an incoming message, minus the wire: validate, rate-limit per user,
/// read the conversation's history, ask, neutralize mentions, remember the turn.
/// </summary>
internal sealed class AdapterPathSender(IServiceProvider services, int users) : IQuestionSender
{
    private readonly IAdvisor _advisor = services.GetRequiredService<IAdvisor>();
    private readonly ConversationMemory _memory = services.GetRequiredService<ConversationMemory>();
    private readonly UserRateLimiter _limiter = services.GetRequiredService<UserRateLimiter>();
    public string Name => "adapter path (in-process IAdvisor)";

    public async Task<double> SendAsync(int sequence, string question, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        if (QuestionValidation.Problem(question) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var user = $"user-{sequence % users}";
        if (!_limiter.TryAcquire(user, out var retryAfter))
        {
            _ = _limiter.Refusal(retryAfter);
            return double.NaN; // not an answer: kept out of the latency figures
        }

        var conversation = $"load:{user}";
        var history = _memory.History(conversation);
        var answer = await _advisor.AskAsync(new AdvisorQuestion(question, history, "load", conversation, user), cancellationToken).ConfigureAwait(false);
        _ = MentionGuard.Neutralize(answer.Text);
        _memory.Append(conversation, new ConversationTurn(question, answer));
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
