using Advisor.Cli;
using Advisor.Slack;
using Advisor.Testing;
using Advisor.Testing.Slack;
using Microsoft.Extensions.Configuration;

namespace Advisor.Cli.Tests;

/// <summary><c>advisor doctor [--http URL]</c>: runs the checks the host hands in and exits 0 only when none failed.</summary>
public sealed class DoctorCommandTests
{
    private static async Task<(int Code, string Out, string Err)> Run(Dictionary<string, string?> settings, params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new CliApp(new StringReader(""), output, error) { Doctors = [new SlackDoctor()] }.RunAsync(args, configuration);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Doctor_with_no_platform_configured_says_so_and_exits_0()
    {
        var (code, output, error) = await Run([], "doctor");

        Assert.True(code == CliApp.Ok, error);
        Assert.Contains("Slack: not configured", output, StringComparison.Ordinal);
        Assert.Contains("No platform is configured", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_against_the_emulator_prints_one_line_per_check_and_exits_1_on_a_failure()
    {
        await using var slack = await SlackEmulator.StartAsync();
        slack.GrantedScopes = ["chat:write"];

        var (code, output, _) = await Run(EmulatorSettings.For(slack, null), "doctor");

        Assert.Equal(CliApp.Failure, code);
        Assert.Contains("✔ auth.test: token valid", output, StringComparison.Ordinal);
        Assert.Contains("✘ scopes: missing ", output, StringComparison.Ordinal);
        Assert.Contains("1 check failed.", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "doctor", "slack" }, "doctor takes no arguments")]
    [InlineData(new[] { "doctor", "--http", "ftp://x" }, "--http takes the base URL")]
    public async Task Doctor_usage_errors_name_the_fix(string[] args, string expected)
    {
        var (code, _, error) = await Run([], args);
        Assert.Equal(CliApp.Usage, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
