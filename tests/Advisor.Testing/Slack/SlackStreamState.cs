namespace Advisor.Testing.Slack;

/// <summary>Where a streamed message is: still streaming, stopped by the app (chat.stopStream), or stopped by the user.</summary>
public enum SlackStreamState
{
    Streaming,
    Stopped,
    StoppedByUser,
}
