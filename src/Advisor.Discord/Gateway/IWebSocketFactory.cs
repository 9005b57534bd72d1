using System.Net.WebSockets;

namespace Advisor.Discord.Gateway;

/// <summary>Opens gateway WebSockets (the default uses <see cref="ClientWebSocket"/>); replaceable for tests or proxies.</summary>
public interface IWebSocketFactory
{
    Task<WebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken);
}

internal sealed class ClientWebSocketFactory : IWebSocketFactory
{
    public async Task<WebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("User-Agent", Rest.DiscordRestClient.UserAgent);
        try
        {
            await socket.ConnectAsync(uri, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
