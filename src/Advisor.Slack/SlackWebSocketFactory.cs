using System.Net.WebSockets;

namespace Advisor.Slack;

/// <summary>Opens WebSockets (the seam tests and other transports plug into).</summary>
public interface ISlackWebSocketFactory
{
    Task<WebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken);
}

/// <summary>The default factory: a <see cref="ClientWebSocket"/> with keep-alive pings.</summary>
public sealed class ClientWebSocketFactory : ISlackWebSocketFactory
{
    public async Task<WebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        try
        {
            await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
