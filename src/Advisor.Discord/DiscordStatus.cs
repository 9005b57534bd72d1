using System.Globalization;
using Advisor.Core.Hosting;

namespace Advisor.Discord;

/// <summary>
/// The Discord adapter's health, and the switch that stops it for good (invalid token, disallowed intents). While the
/// replica runs shards, <see cref="Connected"/> and <see cref="State"/> are theirs ("connected: shards 0, 2 of 4");
/// with none, the adapter's own state ("standby: …", "interactions-only …").
/// </summary>
public sealed class DiscordStatus : IPlatformStatus
{
    private readonly CancellationTokenSource _stopped = new();
    private readonly Lock _gate = new();
    private readonly SortedDictionary<int, ShardStatus> _shards = [];
    private volatile string _state = "starting";
    private volatile bool _connected;

    public string Platform => "discord";

    public bool Connected
    {
        get
        {
            if (StopReason is not null)
            {
                return false;
            }

            lock (_gate)
            {
                return _shards.Count > 0 ? _shards.Values.All(s => s.Connected) : _connected;
            }
        }
    }

    public string State
    {
        get
        {
            if (StopReason is not null)
            {
                return _state;
            }

            lock (_gate)
            {
                return _shards.Count > 0 ? Describe(_shards.Values.ToList()) : _state;
            }
        }
    }

    /// <summary>The shards this replica runs now, by id.</summary>
    public IReadOnlyList<DiscordShardState> Shards
    {
        get
        {
            lock (_gate)
            {
                return _shards.Values.Select(s => new DiscordShardState(s.Id, s.Total, s.Connected, s.State)).ToList();
            }
        }
    }

    /// <summary>Cancelled when the adapter stopped for a reason retrying cannot fix.</summary>
    public CancellationToken Stopped => _stopped.Token;

    /// <summary>Why the adapter stopped, once it did.</summary>
    public string? StopReason { get; private set; }

    /// <summary>The adapter's own state, shown while it runs no shard.</summary>
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

            _connected = false;
            _state = "stopped: " + reason;
            StopReason = reason;
        }

        _stopped.Cancel();
    }

    /// <summary>Starts showing a shard this replica now runs.</summary>
    internal ShardStatus AddShard(int id, int total)
    {
        var shard = new ShardStatus(id, total);
        lock (_gate)
        {
            _shards[id] = shard;
        }

        return shard;
    }

    /// <summary>Stops showing a shard (closed, handed over or lost).</summary>
    internal void RemoveShard(ShardStatus shard)
    {
        lock (_gate)
        {
            if (_shards.TryGetValue(shard.Id, out var shown) && ReferenceEquals(shown, shard))
            {
                _shards.Remove(shard.Id);
            }
        }
    }

    private static string Describe(List<ShardStatus> shards)
    {
        var total = shards[0].Total;
        var ids = string.Join(", ", shards.Select(s => s.Id.ToString(CultureInfo.InvariantCulture)));
        var which = (shards.Count == 1 ? "shard " : "shards ") + ids + " of " + total.ToString(CultureInfo.InvariantCulture);
        if (shards.All(s => s.Connected))
        {
            return "connected: " + which;
        }

        return which + ": " + string.Join("; ", shards.Select(s => $"shard {s.Id.ToString(CultureInfo.InvariantCulture)} {s.State}"));
    }
}

/// <summary>One shard's connection state (the gateway client of that shard sets it).</summary>
internal sealed class ShardStatus(int id, int total)
{
    private volatile string _state = "starting";
    private volatile bool _connected;

    public int Id { get; } = id;

    public int Total { get; } = total;

    public bool Connected => _connected;

    public string State => _state;

    public void Set(bool connected, string state)
    {
        _connected = connected;
        _state = state;
    }
}
