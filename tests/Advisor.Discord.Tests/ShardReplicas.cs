using System.Net.WebSockets;
using Advisor.Core.Coordination;
using Advisor.Discord.Gateway;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Advisor.Discord.Tests;

/// <summary>
/// Several Discord adapters ("replicas", each with its own services, identity and view of the lease store) in one test
/// process, sharing one <see cref="InMemoryLeaseStore"/>, one fake clock and one emulator in automatic gateway mode.
/// <para>
/// Time moves only through <see cref="RunUntilAsync"/>: to the next moment something is due (at most <see cref="Step"/>
/// at a time), and only once every replica has
/// done all it had due (claim ticks, renewals, guards, identify turns — <c>ShardCoordinator.IdleAt</c>) and the
/// emulator has taken in every IDENTIFY it was sent. So each timed step happens at the fake moment it was due, however
/// slow the machine: lease expiry, takeover and identify spacing are exact on the fake clock.
/// </para>
/// <para>
/// The store is one process's (<see cref="InMemoryLeaseStore.SharedAcrossProcesses"/> false: a shard's next holder
/// identifies afresh) unless the set is started with <c>sharedStore</c>, which plays Redis: a shard's holder leaves its
/// gateway session with the lease and the next holder resumes it. A RESUME is sent with no identify turn, so nothing
/// here holds the clock while it is under way: a test waits for a resumed connection in real time (<c>Eventually</c>),
/// without moving the clock.
/// </para>
/// </summary>
internal sealed class ShardReplicas : IAsyncDisposable
{
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);

    /// <summary>The lease period the replicas use (seconds): margin 5 s, renewal every 6.7 s.</summary>
    public const double LeaseSeconds = 20;

    /// <summary>The claim interval the replicas use (seconds).</summary>
    public const double ClaimSeconds = 5;

    private readonly List<ShardReplica> _replicas = [];

    private ShardReplicas(DiscordEmulator emulator, bool sharedStore)
    {
        Emulator = emulator;
        Store = new InMemoryLeaseStore(Time) { SharedAcrossProcesses = sharedStore };
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public InMemoryLeaseStore Store { get; }

    public DiscordEmulator Emulator { get; }

    public IReadOnlyList<ShardReplica> All => _replicas;

    /// <param name="sharedStore">The lease store says it is shared across processes (as Redis): sessions are kept for the next holder.</param>
    public static async Task<ShardReplicas> StartAsync(int recommendedShards, int maxConcurrency, bool sharedStore = false)
    {
        var emulator = await DiscordEmulator.StartAsync();
        emulator.AutoGateway = true;
        emulator.RecommendedShards = recommendedShards;
        emulator.MaxConcurrency = maxConcurrency;
        var replicas = new ShardReplicas(emulator, sharedStore);
        emulator.Clock = replicas.Time.GetUtcNow;
        return replicas;
    }

    /// <summary>Creates a replica named <paramref name="name"/> and starts its shard coordinator (its first claim then counts as due).</summary>
    public async Task<ShardReplica> AddAsync(string name, Dictionary<string, string?>? extra = null, GatewaySettings? gatewaySettings = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Advisor:Discord:ShardLeaseSeconds"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Advisor:Discord:ShardClaimSeconds"] = ClaimSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Advisor:Conversations:QuestionsPerUserPerMinute"] = "1000",
        };
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }

        var store = new ReplicaLeaseStore(Store);
        var sockets = new CuttableSockets();
        var harness = new AdapterHarness(
            Emulator,
            settings,
            gatewaySettings ?? new GatewaySettings { ReconnectDelay = TimeSpan.FromMilliseconds(50), InvalidSessionDelayMin = TimeSpan.Zero, InvalidSessionDelayMax = TimeSpan.FromMilliseconds(20), DeliveryBackoff = TimeSpan.FromMilliseconds(20) },
            services =>
            {
                services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time));
                services.Replace(ServiceDescriptor.Singleton<ILeaseStore>(store));
                services.Replace(ServiceDescriptor.Singleton(new ReplicaIdentity(name)));
                services.Replace(ServiceDescriptor.Singleton<IWebSocketFactory>(sockets));
            });
        var replica = new ShardReplica(name, harness, store, sockets);
        _replicas.Add(replica);
        harness.StartGateway();
        await Eventually.TrueAsync(() => replica.Shards.Started, $"replica {name} to start");
        return replica;
    }

    /// <summary>Waits (real time, polling) until every replica has done what is due now and the emulator has no handshake half-taken.</summary>
    public async Task SettleAsync()
    {
        try
        {
            await Eventually.TrueAsync(() => _replicas.All(r => r.Shards.IdleAt(Time.GetUtcNow())) && Emulator.PendingHandshakes == 0, "the replicas to finish what is due", 30);
        }
        catch (TimeoutException ex)
        {
            var due = string.Join("; ", _replicas.Select(r => $"{r.Name}: [{string.Join(", ", r.Shards.DueAt(Time.GetUtcNow()))}]"));
            throw new TimeoutException($"{ex.Message} (still due: {due}; handshakes pending: {Emulator.PendingHandshakes})", ex);
        }
    }

    /// <summary>
    /// Lets fake time pass, step by step (each after <see cref="SettleAsync"/>), until <paramref name="condition"/> holds;
    /// returns the fake time it first held at. Fails after 90 s of real time.
    /// </summary>
    public async Task<DateTimeOffset> RunUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            await SettleAsync();
            if (condition())
            {
                return Time.GetUtcNow();
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what} (fake time {Time.GetUtcNow():HH:mm:ss.fff}; held: {Layout()})");
            }

            // To the next moment a replica has something due, at most a step: every timed step runs at its exact time.
            var now = Time.GetUtcNow();
            var next = _replicas.Select(r => r.Shards.NextDueAfter(now)).Where(d => d is not null).Min() ?? now + Step;
            Time.Advance(next - now < Step ? next - now : Step);
            await Task.Delay(2);
        }
    }

    /// <summary>The session note left with <paramref name="shard"/>'s lease (the in-memory store answers at once), or null.</summary>
    public GatewaySession? NoteOf(int shard) =>
        GatewaySession.FromJson(Store.ReadNoteAsync(Sharding.LeaseNames.Shard(shard)).GetAwaiter().GetResult());

    /// <summary>Who runs which shards, for messages.</summary>
    public string Layout() => string.Join("; ", _replicas.Select(r => $"{r.Name} [{string.Join(", ", r.Shards.Held)}]"));

    /// <summary>Every shard 0..total-1 run by exactly one of <paramref name="replicas"/>, connected, and open on exactly one emulator connection.</summary>
    public bool AllHeldOnceAndConnected(int total, IEnumerable<ShardReplica> replicas)
    {
        var held = replicas.SelectMany(r => r.Shards.Held).ToList();
        return held.Count == total && held.Distinct().Count() == total && held.All(s => s < total)
            && replicas.All(r => r.Status.Shards.All(s => s.Connected) && r.Status.Shards.Count == r.Shards.Held.Count)
            && Enumerable.Range(0, total).All(s => Emulator.OpenConnectionsOf(s).Count == 1);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var r in _replicas)
        {
            r.Store.Partitioned = false;
            await r.Harness.DisposeAsync();
        }

        await Emulator.DisposeAsync();
    }
}

/// <summary>One replica of <see cref="ShardReplicas"/>.</summary>
internal sealed class ShardReplica(string name, AdapterHarness harness, ReplicaLeaseStore store, CuttableSockets sockets)
{
    /// <summary>
    /// The process dies, as far as the others can tell: it no longer reaches the lease store (no renewal, no release,
    /// no note), and its gateway connections drop without a close frame and cannot be opened again. Its own timers still
    /// run (its guards end its shards), but nothing it does reaches anyone.
    /// </summary>
    public void Kill()
    {
        Store.Partitioned = true;
        sockets.Cut();
    }

    /// <summary>
    /// SIGTERM as the host runs it: the hosted service's <c>StoppingAsync</c> (hands the shards over when another replica
    /// is live), then the adapter's stop (cancellation), waited for.
    /// </summary>
    public async Task StopGracefullyAsync()
    {
        var service = Harness.Services.GetServices<IHostedService>().OfType<DiscordBotService>().Single();
        await ((IHostedLifecycleService)service).StoppingAsync(CancellationToken.None);
        await Harness.StopGatewayAsync();
        await Harness.Running!.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public string Name { get; } = name;

    public AdapterHarness Harness { get; } = harness;

    public ReplicaLeaseStore Store { get; } = store;

    public Sharding.ShardCoordinator Shards => Harness.Shards;

    public DiscordStatus Status => Harness.Status;
}

/// <summary>
/// One replica's gateway sockets (the real ones), which <see cref="Cut"/> drops at once — the server sees each
/// connection end without a close frame, as when the process dies — and refuses from then on.
/// </summary>
internal sealed class CuttableSockets : IWebSocketFactory
{
    private readonly ClientWebSocketFactory _real = new();
    private readonly List<WebSocket> _opened = [];
    private readonly Lock _gate = new();
    private bool _cut;

    public async Task<WebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_cut)
            {
                throw Dead();
            }
        }

        var socket = await _real.ConnectAsync(uri, cancellationToken);
        lock (_gate)
        {
            if (!_cut)
            {
                _opened.RemoveAll(s => s.State is WebSocketState.Closed or WebSocketState.Aborted);
                _opened.Add(socket);
                return socket;
            }
        }

        socket.Abort();
        socket.Dispose();
        throw Dead();
    }

    /// <summary>Drops every open socket and refuses new ones.</summary>
    public void Cut()
    {
        List<WebSocket> open;
        lock (_gate)
        {
            _cut = true;
            open = [.. _opened];
            _opened.Clear();
        }

        foreach (var socket in open)
        {
            socket.Abort();
        }
    }

    private static WebSocketException Dead() =>
        new(WebSocketError.ConnectionClosedPrematurely, "the replica is dead (test kill): no connection");
}
