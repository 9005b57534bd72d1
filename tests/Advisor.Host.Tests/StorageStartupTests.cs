using Advisor.Core.Conversations;
using Advisor.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Host.Tests;

public sealed class StorageStartupTests
{
    [Fact]
    public async Task Serve_keeps_conversations_in_SQLite_in_the_data_folder_migrated_at_start()
    {
        var data = Paths.NewDataFolder();
        try
        {
            await using (var worker = await TestWorker.StartAsync(settings: new Dictionary<string, string?> { ["Advisor:Data:Folder"] = data }))
            {
                var store = Assert.IsType<SqliteConversationStore>(worker.App.Services.GetRequiredService<IConversationStore>());
                Assert.Equal(store.LatestVersion, await store.SchemaVersionAsync());
                Assert.True(File.Exists(Path.Combine(data, "advisor.db")));
                Assert.True(File.Exists(Path.Combine(data, "user-hash.salt"))); // read at start-up, so a bad one stops it
                await store.AppendTurnAsync(new TurnRecord("slack:T1:C1:1.0", "slack", worker.App.Services.GetRequiredService<UserHasher>().Hash("slack", "U1"),
                    "q", new TurnAnswer { Kind = Advisor.Core.Answers.AnswerKind.Answer }, TimeSpan.Zero));
            }

            await using (var restarted = await TestWorker.StartAsync(settings: new Dictionary<string, string?> { ["Advisor:Data:Folder"] = data }))
            {
                Assert.True(await restarted.App.Services.GetRequiredService<IConversationStore>().KnowsAsync("slack:T1:C1:1.0"));
            }
        }
        finally
        {
            Paths.DeleteDataFolder(data);
        }
    }

    [Fact]
    public async Task A_database_that_cannot_be_opened_stops_serve_with_one_clear_line()
    {
        using var error = new StringWriter();

        var code = await ServeCommand.RunAsync(
            ["--knowledge", Paths.RepositoryKnowledge, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=None",
             "--Advisor:Data:PostgresConnectionString=Host=127.0.0.1;Port=1;Username=advisor;Database=advisor_db;Timeout=5"], error);

        Assert.Equal(1, code);
        Assert.Contains("error: cannot open the database (PostgreSQL 127.0.0.1:1/advisor_db)", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_salt_file_stops_serve_naming_the_file()
    {
        var data = Paths.NewDataFolder();
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(Path.Combine(data, "user-hash.salt"), "not base64!");
        try
        {
            using var error = new StringWriter();
            var code = await ServeCommand.RunAsync(
                ["--knowledge", Paths.RepositoryKnowledge, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=None", $"--Advisor:Data:Folder={data}"], error);

            Assert.Equal(1, code);
            Assert.Contains("user-hash.salt", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Paths.DeleteDataFolder(data);
        }
    }
}
