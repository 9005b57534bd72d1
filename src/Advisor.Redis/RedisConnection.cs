using Advisor.Core.Coordination;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Advisor.Redis;

/// <summary>
/// The one connection to Redis every shared-state service uses, opened on first use (at start-up, by
/// <see cref="RedisReloadBroadcast"/>). It never stops the bot: a server that cannot be reached is retried in the background,
/// commands fail at once while it is away (no backlog that would hold every question for seconds), and each service
/// then decides alone. Whether Redis answers is tracked here — for <c>/readyz</c>, and for one warning when it goes
/// away (repeated at most once a minute) and one line when it is back.
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    private const string Connected = "connected";
    private static readonly TimeSpan WarnEvery = TimeSpan.FromMinutes(1);

    private readonly ConfigurationOptions _configuration;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisConnection> _logger;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly Lock _gate = new();
    private ConnectionMultiplexer? _multiplexer;
    private bool _healthy = true;
    private string _state = "not connected yet";
    private DateTimeOffset _lastWarning = DateTimeOffset.MinValue;

    public RedisConnection(IOptions<RedisOptions> options, ReplicaIdentity replica, TimeProvider time, ILogger<RedisConnection> logger)
    {
        var settings = options.Value;
        _configuration = ConfigurationOptions.Parse(settings.ConnectionString!);
        _configuration.AbortOnConnectFail = false; // start (and keep retrying) without a server: the bot runs on alone
        _configuration.BacklogPolicy = BacklogPolicy.FailFast; // while away, fail at once instead of queueing for seconds
        _configuration.ClientName ??= "advisor";
        Prefix = settings.KeyPrefix;
        Replica = replica;
        _time = time;
        _logger = logger;
        Description = "Redis " + string.Join(",", _configuration.EndPoints.Select(e => e.ToString()));
    }

    /// <summary>Put before every key and channel name.</summary>
    public string Prefix { get; }

    /// <summary>This process among the replicas (the value of its claims and leases).</summary>
    public ReplicaIdentity Replica { get; }

    /// <summary>"Redis host:port" — no password.</summary>
    public string Description { get; }

    /// <summary>True while the last command (or the connection) succeeded.</summary>
    public bool Healthy
    {
        get
        {
            lock (_gate)
            {
                return _healthy;
            }
        }
    }

    /// <summary>"connected", or since when and why it is not.</summary>
    public string State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Raised when the connection comes back after it was lost (a subscriber re-reads what it may have missed).</summary>
    public event EventHandler? Restored;

    /// <summary>The multiplexer, connecting on first use (a server that is down does not fail this: it is retried).</summary>
    public async Task<ConnectionMultiplexer> MultiplexerAsync()
    {
        if (Volatile.Read(ref _multiplexer) is { } open)
        {
            return open;
        }

        await _connecting.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_multiplexer is not null)
            {
                return _multiplexer;
            }

            var multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration).ConfigureAwait(false);
            multiplexer.ConnectionFailed += (_, e) =>
            {
                if (e.ConnectionType == ConnectionType.Interactive)
                {
                    Failed("connection", e.Exception?.Message ?? e.FailureType.ToString());
                }
            };
            multiplexer.ConnectionRestored += (_, e) =>
            {
                if (e.ConnectionType == ConnectionType.Interactive)
                {
                    Succeeded();
                }
            };
            if (multiplexer.IsConnected)
            {
                lock (_gate)
                {
                    _state = Connected;
                }

                Log.Connected(_logger, Description, Replica.Id);
            }
            else
            {
                Failed("connection", "no answer at start-up");
            }

            Volatile.Write(ref _multiplexer, multiplexer);
            return multiplexer;
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>The database, connecting on first use.</summary>
    public async Task<IDatabase> DatabaseAsync() => (await MultiplexerAsync().ConfigureAwait(false)).GetDatabase();

    /// <summary>A key under the prefix.</summary>
    public RedisKey Key(string name) => Prefix + name;

    /// <summary>
    /// Records a command (or a reconnection) that succeeded; when Redis had been failing until now, logs that it is
    /// back and raises <see cref="Restored"/> (whichever noticed first: a command or the client's reconnection).
    /// </summary>
    public void Succeeded()
    {
        bool wasFailing;
        lock (_gate)
        {
            if (_healthy && ReferenceEquals(_state, Connected))
            {
                return;
            }

            wasFailing = !_healthy;
            _healthy = true;
            _state = Connected;
        }

        if (wasFailing)
        {
            Log.Restored(_logger, Description);
            Restored?.Invoke(this, EventArgs.Empty);
        }
    }

    /// <summary>Records a failure: the first one (and then one a minute) is logged as a warning naming the operation.</summary>
    public void Failed(string operation, string reason)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var first = _healthy;
            if (first)
            {
                _healthy = false;
                _state = $"unreachable since {now:yyyy-MM-ddTHH:mm:ssZ}: {reason}";
            }

            if (!first && now - _lastWarning < WarnEvery)
            {
                return;
            }

            _lastWarning = now;
            if (first)
            {
                Log.Unreachable(_logger, Description, reason);
            }
            else
            {
                Log.OperationFailed(_logger, operation, reason);
            }
        }
    }

    /// <summary>Whether an exception is Redis being away or failing (the caller then decides alone).</summary>
    public static bool IsRedisFailure(Exception ex) => ex is RedisException or TimeoutException or ObjectDisposedException;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _multiplexer, null) is { } multiplexer)
        {
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }

        _connecting.Dispose();
    }
}
