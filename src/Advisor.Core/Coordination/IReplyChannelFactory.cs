using Advisor.Core.Turns;

namespace Advisor.Core.Coordination;

/// <summary>
/// Rebuilds a platform's reply channel from the <see cref="ReplyTarget"/> one of its channels wrote, so that a replica
/// can finish an answer another one began (<see cref="Hosting.InFlightSweeper"/>). Each platform registers one with
/// its services (<see cref="Hosting.IChatPlatform.AddServices"/>).
/// </summary>
public interface IReplyChannelFactory
{
    /// <summary>The platform whose targets it reads ("slack", "discord").</summary>
    string Platform { get; }

    /// <summary>
    /// Rebuilds the channel <paramref name="target"/> names and runs <paramref name="turn"/> through it — inside whatever
    /// the platform wraps an answer in (a Slack thread's agent session, so that the user's Stop still cancels it). The
    /// rebuilt channel checks the platform before it replies (<see cref="IReplyChannel.AnsweredBeforeAsync"/>), since
    /// the replica that began the answer may have sent it just before it died. False, without running anything, when
    /// the target cannot be read (an unknown kind, a value missing or not allowed): the reason is logged.
    /// </summary>
    Task<bool> ResumeAsync(ReplyTarget target, Func<IReplyChannel, CancellationToken, Task> turn, CancellationToken cancellationToken);
}
