namespace Advisor.Core.Outbound;

/// <summary>
/// One platform's way to post a <see cref="ReloadNotice"/> into one of its conversations: a Slack thread reply, a
/// message in a Discord thread or direct message. A conversation that has no place of its own to post in (a
/// per-user <c>/ask</c> conversation in a channel) is answered with <see cref="PostStatus.NoPlace"/>.
/// </summary>
public interface IReloadNoticeSender
{
    /// <summary>The platform's name: the part before the first ':' of its conversation keys ("slack", "discord").</summary>
    string Platform { get; }

    /// <summary>Posts the notice; never throws for a platform failure, it says so.</summary>
    Task<PostResult> SendAsync(ReloadNotice notice, CancellationToken cancellationToken);
}
