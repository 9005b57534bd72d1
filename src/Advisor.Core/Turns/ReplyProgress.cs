namespace Advisor.Core.Turns;

/// <summary>Helpers for <see cref="IReplyChannel.ShowProgress"/>.</summary>
public static class ReplyProgress
{
    /// <summary>A progress handle that does nothing (for channels that show no progress).</summary>
    public static IAsyncDisposable None { get; } = new Nothing();

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
