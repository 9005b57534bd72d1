using Microsoft.Extensions.Logging;

namespace Advisor.Slack;

/// <summary>
/// Whether this app may set a thread's assistant status (assistant.threads.setStatus), learnt from Slack's own answer
/// and remembered for the life of the process: once Slack says the app lacks the scope, is not allowed, or does not
/// know the method, progress is the thinking reaction from then on, without asking again. The same for the agent
/// session status (agents.sessions.setStatus): once refused, the assistant status (then the reaction) is used.
/// </summary>
public sealed partial class SlackStatusSupport
{
    private int _refused;
    private int _agentRefused;

    /// <summary>True once Slack refused agents.sessions.setStatus for good (the app is not an agent app).</summary>
    public bool AgentRefused => Volatile.Read(ref _agentRefused) == 1;

    /// <summary>Takes Slack's error for an agents.sessions.setStatus call; remembers (and logs once) a refusal. True when it was one.</summary>
    public bool LearnAgent(string error, ILogger logger)
    {
        if (!IsRefusal(error) && error is not "not_authorized")
        {
            return false;
        }

        if (Interlocked.Exchange(ref _agentRefused, 1) == 0)
        {
            Log.AgentRefused(logger, error);
        }

        return true;
    }

    /// <summary>True once Slack refused the method for good.</summary>
    public bool Refused => Volatile.Read(ref _refused) == 1;

    /// <summary>Errors that say the app cannot use the method at all (as opposed to a failure of one call).</summary>
    public static bool IsRefusal(string error) => error is "missing_scope" or "not_allowed" or "not_allowed_token_type" or "unknown_method"
        or "method_deprecated" or "feature_disabled" or "not_agent_app" or "no_permission" or "access_denied";

    /// <summary>Takes Slack's error for a status call; remembers (and logs once) a refusal. True when it was one.</summary>
    public bool Learn(string error, ILogger logger)
    {
        if (!IsRefusal(error))
        {
            return false;
        }

        if (Interlocked.Exchange(ref _refused, 1) == 0)
        {
            Log.Refused(logger, error);
        }

        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(1321, LogLevel.Information, "Slack refused agents.sessions.setStatus ({Error}); progress is the assistant status or the reaction from now on")]
        public static partial void AgentRefused(ILogger logger, string error);

        [LoggerMessage(1320, LogLevel.Information, "Slack refused assistant.threads.setStatus ({Error}); progress is the thinking reaction from now on")]
        public static partial void Refused(ILogger logger, string error);
    }
}
