using Advisor.Core.Hosting;
using Advisor.Testing;
using Advisor.Testing.Slack;
using Microsoft.Extensions.Configuration;

namespace Advisor.Slack.Tests;

/// <summary><c>advisor doctor</c> for Slack against the emulator: one ✔/✘ line per check, exit 1 on any ✘.</summary>
public sealed class SlackDoctorTests
{
    private static IConfiguration Settings(SlackEmulator slack, Action<Dictionary<string, string?>>? change = null)
    {
        var settings = EmulatorSettings.For(slack, null);
        change?.Invoke(settings);
        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    private static async Task<(int Exit, string[] Lines)> RunAsync(IConfiguration configuration, Uri? http = null)
    {
        using var output = new StringWriter();
        var exit = await DoctorReport.RunAsync([new SlackDoctor()], new DoctorContext(configuration, http), output);
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Doctor_HealthySocketModeConfiguration_AllChecksPass()
    {
        await using var slack = await SlackEmulator.StartAsync();
        slack.GrantedScopes = SlackApiMethods.BotScopes;

        var (exit, lines) = await RunAsync(Settings(slack));

        Assert.Equal(0, exit);
        Assert.DoesNotContain(lines, l => l.StartsWith('✘'));
        Assert.Contains(lines, l => l.StartsWith("✔ auth.test: token valid", StringComparison.Ordinal) && l.Contains("@advisor", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✔ scopes:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✔ Socket Mode:", StringComparison.Ordinal));
        Assert.Contains("All checks passed.", lines);
    }

    [Fact]
    public async Task Doctor_BadToken_OneFailureNamingTheFix()
    {
        await using var slack = await SlackEmulator.StartAsync();
        slack.GrantedScopes = SlackApiMethods.BotScopes;
        slack.Refuse("auth.test", "invalid_auth");

        var (exit, lines) = await RunAsync(Settings(slack));

        Assert.Equal(1, exit);
        var failure = Assert.Single(lines, l => l.StartsWith('✘'));
        Assert.Contains("auth.test", failure, StringComparison.Ordinal);
        Assert.Contains("invalid_auth", failure, StringComparison.Ordinal);
        Assert.Contains("fix: set Advisor:Slack:BotToken", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_MissingScope_OneFailureNamingTheScopeAndTheFix()
    {
        await using var slack = await SlackEmulator.StartAsync();
        slack.GrantedScopes = SlackApiMethods.BotScopes.Where(s => s != "users:read").Append("files:read").ToList();

        var (exit, lines) = await RunAsync(Settings(slack));

        Assert.Equal(1, exit);
        var failure = Assert.Single(lines, l => l.StartsWith('✘'));
        Assert.StartsWith("✘ scopes: missing users:read — fix: add them under OAuth & Permissions", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_AppTokenRefused_SocketModeFails()
    {
        await using var slack = await SlackEmulator.StartAsync();
        slack.GrantedScopes = SlackApiMethods.BotScopes;
        slack.Refuse("apps.connections.open", "invalid_auth");

        var (exit, lines) = await RunAsync(Settings(slack));

        Assert.Equal(1, exit);
        var failure = Assert.Single(lines, l => l.StartsWith('✘'));
        Assert.Contains("Socket Mode", failure, StringComparison.Ordinal);
        Assert.Contains("Advisor:Slack:AppToken", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_HttpModeWithRequestUrlThatDoesNotAnswer_RequestUrlFails()
    {
        await using var slack = await SlackEmulator.StartAsync();
        slack.GrantedScopes = SlackApiMethods.BotScopes;
        var configuration = Settings(slack, s =>
        {
            s.Remove("Advisor:Slack:AppToken");
            s["Advisor:Slack:SigningSecret"] = "8f742231b10e8888abcd99yyyzzz85a5";
        });

        var (skipped, skippedLines) = await RunAsync(configuration);
        var (exit, lines) = await RunAsync(configuration, slack.Root); // the emulator has no /healthz: 404

        Assert.Equal(0, skipped);
        Assert.Contains(skippedLines, l => l.StartsWith("– Request URL: not checked", StringComparison.Ordinal));
        Assert.Equal(1, exit);
        var failure = Assert.Single(lines, l => l.StartsWith('✘'));
        Assert.StartsWith("✘ Request URL: " + new Uri(slack.Root, "healthz") + " answered 404", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_NothingConfigured_SaysSoAndExitsZero()
    {
        var (exit, lines) = await RunAsync(new ConfigurationBuilder().Build());

        Assert.Equal(0, exit);
        Assert.Equal(["Slack: not configured", "No platform is configured: set Advisor:Slack:BotToken or Advisor:Discord:Token to check one."], lines);
    }
}
