using System.Data.Common;
using Advisor.Core.Conversations;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace Advisor.Storage.Tests;

/// <summary>The contract on the in-memory store (the console chat's and the tests').</summary>
public sealed class InMemoryConversationStoreTests : ConversationStoreContract
{
    private InMemoryConversationStore? _store;

    // One store per test: "a second open" is the same memory, as a restart is for the durable stores' tests.
    protected override Task<IConversationStore> CreateStoreAsync(ConversationOptions options) =>
        Task.FromResult<IConversationStore>(_store ??= new InMemoryConversationStore(Wrap(options), Time));

    private static Microsoft.Extensions.Options.IOptions<ConversationOptions> Wrap(ConversationOptions options) => Microsoft.Extensions.Options.Options.Create(options);
}

/// <summary>The contract and the SQL store's own tests on a SQLite file in a temp folder.</summary>
public sealed class SqliteConversationStoreTests : SqlStoreContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "advisor-store-" + Guid.NewGuid().ToString("N")[..12]);

    private string DatabasePath => Path.Combine(_folder, "data", DataOptions.DatabaseFileName);

    private protected override IReadOnlyList<Migration> ShippedMigrations => SqliteMigrations.All;

    private protected override SqlConversationStore CreateSqlStore(IReadOnlyList<Migration> migrations, ConversationOptions options) =>
        new SqliteConversationStore(DatabasePath, migrations, Wrap(options), Time);

    protected override async Task<DbConnection> ConnectAsync()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    protected override async Task<IReadOnlyList<string>> TablesAsync()
    {
        await using var connection = await ConnectAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    [SkippableFact]
    public async Task The_database_file_and_its_folder_are_readable_by_the_owner_only()
    {
        var store = await OpenAsync();
        await store.AppendTurnAsync(Turns.Answered("p", "q"));
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes");
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DatabasePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(DatabasePath)!));
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

/// <summary>The PostgreSQL tests share one server (and one database) per run.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

/// <summary>The contract and the SQL store's own tests on PostgreSQL, each test in a schema of its own.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConversationStoreTests(PostgresServer server, ITestOutputHelper output) : SqlStoreContract
{
    private string? _connectionString;

    private protected override IReadOnlyList<Migration> ShippedMigrations => PostgresMigrations.All;

    public override async Task InitializeAsync()
    {
        if (server.Unavailable is null)
        {
            _connectionString = await server.NewSchemaAsync();
            output.WriteLine($"PostgreSQL from {server.Source}");
        }
    }

    protected override void SkipUnlessAvailable()
    {
        if (server.Unavailable is { } reason)
        {
            output.WriteLine($"PostgreSQL tests did not run: {reason}");
            if (PostgresServer.Required)
            {
                Assert.Fail($"PostgreSQL tests did not run ({PostgresServer.RequireVariable}=1): {reason}");
            }

            Skip.If(true, $"PostgreSQL tests did not run: {reason}");
        }
    }

    private protected override SqlConversationStore CreateSqlStore(IReadOnlyList<Migration> migrations, ConversationOptions options) =>
        new PostgresConversationStore(_connectionString!, migrations, Wrap(options), Time);

    protected override async Task<DbConnection> ConnectAsync()
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        return connection;
    }

    protected override async Task<IReadOnlyList<string>> TablesAsync()
    {
        await using var connection = await ConnectAsync();
        await using var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name", (NpgsqlConnection)connection);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}
