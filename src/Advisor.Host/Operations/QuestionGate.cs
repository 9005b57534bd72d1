namespace Advisor.Host.Operations;

/// <summary>
/// Counts questions in flight and closes to new ones when shutdown begins, so the host can finish what it started
/// before the platform connections close.
/// </summary>
public sealed class QuestionGate
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private volatile bool _closed;

    /// <summary>
    /// False once shutdown has begun. From then on the host's <see cref="Advisor.Core.IAdvisor"/> answers every new
    /// question with a polite "restarting" refusal instead of starting work, and <c>/readyz</c> reports "stopping".
    /// Adapters (which reference only the core) do not see this flag; they keep reading until their <c>StopAsync</c>.
    /// </summary>
    public bool Accepting => !_closed;

    /// <summary>Questions being answered right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Admits a question unless the gate is closed; every admitted question must call <see cref="Exit"/> once.</summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref _inFlight);
        if (_closed)
        {
            Exit();
            return false;
        }

        return true;
    }

    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && _closed)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Refuses new questions from now on.</summary>
    public void Close()
    {
        _closed = true;
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Completes when the gate is closed and the last admitted question has finished.</summary>
    public Task WaitDrainedAsync(CancellationToken cancellationToken) => _drained.Task.WaitAsync(cancellationToken);
}
