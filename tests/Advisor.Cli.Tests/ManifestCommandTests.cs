using System.Text.Json;
using Advisor.Cli;
using Advisor.Testing;
using Microsoft.Extensions.Configuration;

namespace Advisor.Cli.Tests;

/// <summary><c>advisor manifest slack [--http URL]</c>: the Slack app manifest with the configured command names.</summary>
public sealed class ManifestCommandTests
{
    private static async Task<(int Code, string Out, string Err)> Run(Dictionary<string, string?> settings, params string[] args)
    {
        settings["Advisor:KnowledgePath"] = Path.Combine(RepoPaths.RepoRoot(), "knowledge");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new CliApp(new StringReader(""), output, error).RunAsync(args, configuration);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Manifest_slack_prints_a_socket_mode_manifest_with_the_configured_command_names()
    {
        var (code, output, error) = await Run(new() { ["Advisor:Slack:Commands:Ask"] = "/advisor-ask" }, "manifest", "slack");

        Assert.True(code == CliApp.Ok, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("Advisor", root.GetProperty("display_information").GetProperty("name").GetString());
        Assert.True(root.GetProperty("settings").GetProperty("socket_mode_enabled").GetBoolean());
        var commands = root.GetProperty("features").GetProperty("slash_commands").EnumerateArray().Select(c => c.GetProperty("command").GetString()).ToList();
        Assert.Equal(["/advisor-ask", "/compare", "/roles", "/reload", "/gaps"], commands);
        Assert.Contains("chat:write", root.GetProperty("oauth_config").GetProperty("scopes").GetProperty("bot").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Manifest_slack_with_http_sets_the_request_urls()
    {
        var (code, output, error) = await Run([], "manifest", "slack", "--http", "https://advisor.example.com");

        Assert.True(code == CliApp.Ok, error);
        using var doc = JsonDocument.Parse(output);
        var settings = doc.RootElement.GetProperty("settings");
        Assert.False(settings.GetProperty("socket_mode_enabled").GetBoolean());
        Assert.Equal("https://advisor.example.com/slack/events", settings.GetProperty("event_subscriptions").GetProperty("request_url").GetString());
    }

    [Theory]
    [InlineData(new[] { "manifest" }, "manifest needs the platform")]
    [InlineData(new[] { "manifest", "teams" }, "manifest needs the platform")]
    [InlineData(new[] { "manifest", "slack", "--http", "ftp://x" }, "--http takes the https base URL")]
    [InlineData(new[] { "roles", "--http", "https://x.example" }, "--http goes with manifest")]
    public async Task Manifest_usage_errors_name_the_fix(string[] args, string expected)
    {
        var (code, _, error) = await Run([], args);
        Assert.Equal(CliApp.Usage, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifest_slack_refuses_invalid_command_names()
    {
        var (code, _, error) = await Run(new() { ["Advisor:Slack:Commands:Ask"] = "Ask" }, "manifest", "slack");
        Assert.Equal(CliApp.Failure, code);
        Assert.Contains("Advisor:Slack:Commands:Ask", error, StringComparison.Ordinal);
    }
}
