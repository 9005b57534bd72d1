namespace Advisor.Core.Hosting;

/// <summary>
/// Counts the work the process has taken on — from the moment an adapter accepts an event (acknowledges it to the
/// platform) until its reply is delivered or given up — and closes to new work when shutdown begins, so the host can
/// finish everything it accepted before the platform connections close.
/// </summary>
public sealed class QuestionGate
{
    /// <summary>The reply for work offered after shutdown began, where the platform cannot be told to come back later.</summary>
    public const string RestartingText = "Advisor is restarting and can't take new questions right now. Please ask again in a minute.";

    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private volatile bool _closed;

    /// <summary>
    /// False once shutdown has begun. Adapters then accept no new event: an HTTP endpoint answers 503 with Retry-After
    /// and a socket leaves the event unacknowledged, so the platform delivers it again (to this process after its
    /// restart, or to another replica); where neither is possible they reply <see cref="RestartingText"/>.
    /// <c>/readyz</c> reports "stopping".
    /// </summary>
    public bool Accepting => !_closed;

    /// <summary>Accepted work not yet delivered (including questions being composed).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Counts one piece of accepted work until the handle is disposed — after its reply was posted, or given up. It
    /// counts even after shutdown began: work accepted is finished (within the host's shutdown timeout).
    /// </summary>
    public IDisposable Hold()
    {
        Interlocked.Increment(ref _inFlight);
        return new Handle(this);
    }

    /// <summary>Holds work only while the gate accepts; null once shutdown began.</summary>
    public IDisposable? TryAccept()
    {
        var handle = Hold();
        if (_closed)
        {
            handle.Dispose();
            return null;
        }

        return handle;
    }

    /// <summary>Refuses new work from now on.</summary>
    public void Close()
    {
        _closed = true;
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Completes when the gate is closed and the last held work has finished.</summary>
    public Task WaitDrainedAsync(CancellationToken cancellationToken) => _drained.Task.WaitAsync(cancellationToken);

    private void Release()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && _closed)
        {
            _drained.TrySetResult();
        }
    }

    private sealed class Handle(QuestionGate gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
