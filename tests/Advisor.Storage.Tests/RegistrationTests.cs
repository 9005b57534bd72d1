using Advisor.Core;
using Advisor.Core.Conversations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Advisor.Storage.Tests;

public sealed class RegistrationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "advisor-reg-" + Guid.NewGuid().ToString("N")[..12]);

    private ServiceProvider Services(Action<IServiceCollection>? configure = null, params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["Advisor:Data:Folder"] = _folder };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddAdvisorStorage(configuration);
        services.AddAdvisorCore(configuration); // after: the core's in-memory store does not replace the durable one
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void The_core_alone_keeps_conversations_in_memory()
    {
        var services = new ServiceCollection();
        services.AddAdvisorCore(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        Assert.IsType<InMemoryConversationStore>(provider.GetRequiredService<IConversationStore>());
        Assert.NotNull(provider.GetRequiredService<UserHasher>());
    }

    [Fact]
    public async Task By_default_the_store_is_SQLite_in_the_data_folder_opened_only_when_used()
    {
        await using var provider = Services();
        var store = Assert.IsType<SqliteConversationStore>(provider.GetRequiredService<IConversationStore>());
        Assert.Same(store, provider.GetRequiredService<SqlConversationStore>());
        Assert.False(Directory.Exists(_folder));

        await store.TouchAsync("c");

        Assert.True(File.Exists(Path.Combine(_folder, "advisor.db")));
        Assert.Contains(Path.Combine(_folder, "advisor.db"), store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_postgres_connection_string_selects_PostgreSQL()
    {
        await using var provider = Services(null, ("Advisor:Data:PostgresConnectionString", "Host=db.example;Port=5433;Database=advisor;Username=bot;Password=s3cret"));
        var store = Assert.IsType<PostgresConversationStore>(provider.GetRequiredService<IConversationStore>());
        Assert.Equal("PostgreSQL db.example:5433/advisor", store.Description);
        Assert.DoesNotContain("s3cret", store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hasher_uses_the_kept_salt_so_a_second_start_hashes_the_same()
    {
        string first, second;
        await using (var provider = Services())
        {
            first = provider.GetRequiredService<UserHasher>().Hash("slack", "U1");
        }

        await using (var provider = Services())
        {
            second = provider.GetRequiredService<UserHasher>().Hash("slack", "U1");
        }

        Assert.Equal(first, second);
        await using var configured = Services(null, ("Advisor:Data:UserHashSalt", "a configured salt, 16+ chars"));
        Assert.Equal(new UserHasher("a configured salt, 16+ chars"u8).Hash("slack", "U1"), configured.GetRequiredService<UserHasher>().Hash("slack", "U1"));
    }

    [Theory]
    [InlineData("Advisor:Data:RetentionDays", "0")]
    [InlineData("Advisor:Data:RetentionDays", "5000")]
    [InlineData("Advisor:Data:UserHashSalt", "short")]
    [InlineData("Advisor:Data:PostgresConnectionString", "Hostx=1")]
    [InlineData("Advisor:Data:PostgresConnectionString", "Database=advisor")]
    [InlineData("Advisor:Data:PostgresConnectionString", "  ")]
    public async Task An_invalid_setting_fails_naming_the_key(string key, string value)
    {
        await using var provider = Services(null, (key, value));
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DataOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_retention_service_purges_at_start_and_then_daily()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var logs = new FakeLogCollector();
        await using var provider = Services(s => s.AddSingleton<TimeProvider>(time).AddSingleton(logs).AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))),
            ("Advisor:Data:RetentionDays", "30"));
        var store = provider.GetRequiredService<IConversationStore>();
        await store.AppendTurnAsync(Turns.Answered("old", "asked on day 0"));
        time.Advance(TimeSpan.FromDays(31));
        await store.AppendTurnAsync(Turns.Answered("recent", "asked on day 31"));

        var services = provider.GetServices<IHostedService>().ToList();
        var retention = services.OfType<RetentionService>().Single();
        Assert.Contains(services, s => s is StorageStartup);
        await retention.StartAsync(CancellationToken.None);
        try
        {
            await Testing.Eventually.TrueAsync(async () => (await store.ReadLogAsync(QuestionLogQuery.All)).Count == 1, "the purge at start");
            Assert.Equal("asked on day 31", (await store.ReadLogAsync(QuestionLogQuery.All))[0].Question);

            // The next runs come a day apart: move the clock on (in steps, since the service sets its next timer after
            // each run) until the entry of day 31 is over 30 days old and gone.
            await Testing.Eventually.TrueAsync(async () =>
            {
                time.Advance(TimeSpan.FromHours(6));
                return (await store.ReadLogAsync(QuestionLogQuery.All)).Count == 0;
            }, "a daily purge");
            Assert.True(time.GetUtcNow() > new DateTimeOffset(2025, 3, 3, 0, 0, 0, TimeSpan.Zero)); // not before day 61
            await Testing.Eventually.TrueAsync(() => logs.GetSnapshot().Count(r => r.Message.StartsWith("Retention (30 days)", StringComparison.Ordinal)) >= 2, "a log line per purge");
        }
        finally
        {
            await retention.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_failing_purge_is_logged_and_the_service_keeps_running()
    {
        var logs = new FakeLogCollector();
        await using var provider = Services(s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))),
            ("Advisor:Data:PostgresConnectionString", "Host=127.0.0.1;Port=1;Username=x;Database=y;Timeout=5"));
        var retention = provider.GetServices<IHostedService>().OfType<RetentionService>().Single();

        Assert.Null(await retention.PurgeOnceAsync(CancellationToken.None));
        Assert.Contains(logs.GetSnapshot(), r => r.Level == LogLevel.Error && r.Message.StartsWith("Retention purge failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_up_migrates_before_any_service_starts_and_a_bad_database_stops_it()
    {
        await using (var provider = Services())
        {
            var startup = provider.GetServices<IHostedService>().OfType<StorageStartup>().Single();
            await startup.StartingAsync(CancellationToken.None);
            var store = provider.GetRequiredService<SqlConversationStore>();
            Assert.Equal(store.LatestVersion, await store.SchemaVersionAsync());
        }

        await using var broken = Services(null, ("Advisor:Data:PostgresConnectionString", "Host=127.0.0.1;Port=1;Username=x;Database=y;Timeout=5"));
        var ex = await Assert.ThrowsAsync<StorageException>(() => broken.GetServices<IHostedService>().OfType<StorageStartup>().Single().StartingAsync(CancellationToken.None));
        Assert.StartsWith("cannot open the database (PostgreSQL 127.0.0.1:1/y)", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
