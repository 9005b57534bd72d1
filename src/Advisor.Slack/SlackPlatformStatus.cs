using Advisor.Core.Hosting;

namespace Advisor.Slack;

/// <summary>The Slack connection's health for /readyz.</summary>
public sealed class SlackPlatformStatus : IPlatformStatus
{
    private volatile string _state = "starting";
    private volatile bool _connected;

    public string Platform => "slack";

    public bool Connected => _connected;

    public string State => _state;

    internal void Set(bool connected, string state)
    {
        _connected = connected;
        _state = state;
    }
}
