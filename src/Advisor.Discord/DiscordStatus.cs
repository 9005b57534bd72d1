using Advisor.Core.Hosting;

namespace Advisor.Discord;

/// <summary>The Discord adapter's health, and the switch that stops it for good (invalid token, disallowed intents).</summary>
public sealed class DiscordStatus : IPlatformStatus
{
    private readonly CancellationTokenSource _stopped = new();
    private volatile string _state = "starting";
    private volatile bool _connected;

    public string Platform => "discord";

    public bool Connected => _connected;

    public string State => _state;

    /// <summary>Cancelled when the adapter stopped for a reason retrying cannot fix.</summary>
    public CancellationToken Stopped => _stopped.Token;

    /// <summary>Why the adapter stopped, once it did.</summary>
    public string? StopReason { get; private set; }

    public void Set(bool connected, string state)
    {
        if (StopReason is not null)
        {
            return;
        }

        _connected = connected;
        _state = state;
    }

    public void Stop(string reason)
    {
        lock (_stopped)
        {
            if (StopReason is not null)
            {
                return;
            }

            StopReason = reason;
            _connected = false;
            _state = "stopped: " + reason;
        }

        _stopped.Cancel();
    }
}
