using System.Runtime.CompilerServices;
using Advisor.Core.Answers;
using Advisor.Core.Hosting;
using Advisor.Core.Retrieval;

namespace Advisor.Host.Tests;

internal sealed class FakePlatformStatus(string platform, bool connected, string state) : IPlatformStatus
{
    public string Platform { get; } = platform;

    public bool Connected { get; set; } = connected;

    public string State { get; set; } = state;
}

/// <summary>A composer that holds every answer until the test releases it.</summary>
internal sealed class HeldComposer : IAnswerComposer
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _release.TrySetResult();

    public async IAsyncEnumerable<AnswerUpdate> ComposeStreamingAsync(AdvisorQuestion question, RetrievalResult retrieval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Entered.TrySetResult();
        await _release.Task.WaitAsync(cancellationToken);
        var answer = new Answer { Text = "held answer to: " + question.Text, Citations = [] };
        yield return new AnswerUpdate(answer.Text, answer);
    }
}
