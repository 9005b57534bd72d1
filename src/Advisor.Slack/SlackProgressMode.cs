namespace Advisor.Slack;

/// <summary>How the bot shows that it is working on an answer (<see cref="SlackOptions.Progress"/>).</summary>
public enum SlackProgressMode
{
    /// <summary>The thread's assistant status where the app may set it (remembered per process), else the thinking reaction.</summary>
    Auto,

    /// <summary>The thinking reaction on the question.</summary>
    Reaction,

    /// <summary>Nothing.</summary>
    None,
}
