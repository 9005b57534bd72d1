using Advisor.Host.Operations;
using Microsoft.AspNetCore.Hosting;

namespace Advisor.Host.Tests;

public sealed class SlackStartupTests : IDisposable
{
    private readonly string _data = Paths.NewDataFolder();

    public void Dispose() => Paths.DeleteDataFolder(_data);

    [Fact]
    public async Task A_slack_section_without_a_bot_token_fails_at_start_up_naming_the_key()
    {
        var builder = AdvisorServer.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Advisor:KnowledgePath"] = Paths.RepositoryKnowledge,
            ["Logging:LogLevel:Default"] = "None",
            ["Advisor:Data:Folder"] = _data,
            ["Advisor:Slack:AppToken"] = "xapp-1",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = AdvisorServer.Build(builder);
            await app.StartAsync();
        });

        var problem = ServeCommand.StartupProblem(ex);
        Assert.NotNull(problem);
        Assert.Contains("Advisor:Slack:BotToken", problem, StringComparison.Ordinal);
    }
}
