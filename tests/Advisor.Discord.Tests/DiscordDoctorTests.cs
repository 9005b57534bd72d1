using System.Text.Json.Nodes;
using Advisor.Core.Hosting;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Microsoft.Extensions.Configuration;

namespace Advisor.Discord.Tests;

/// <summary><c>advisor doctor</c> for Discord against the emulator: one ✔/✘ line per check, exit 1 on any ✘.</summary>
public sealed class DiscordDoctorTests
{
    private static IConfiguration Settings(DiscordEmulator discord, Action<Dictionary<string, string?>>? change = null)
    {
        var settings = EmulatorSettings.For(null, discord);
        change?.Invoke(settings);
        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    private static async Task<(int Exit, string[] Lines)> RunAsync(IConfiguration configuration)
    {
        using var output = new StringWriter();
        var exit = await DoctorReport.RunAsync([new DiscordDoctor()], new DoctorContext(configuration), output);
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>Registers the commands the way the registrar does: PUT the manifest's JSON.</summary>
    private static void Register(DiscordEmulator discord, string path = $"/api/v10/applications/{DiscordEmulator.ApplicationId}/commands") =>
        discord.Commands[path] = JsonNode.Parse(DiscordManifest.CommandsJson());

    [Fact]
    public async Task Doctor_HealthyConfiguration_AllChecksPass()
    {
        await using var discord = await DiscordEmulator.StartAsync();
        Register(discord);

        var (exit, lines) = await RunAsync(Settings(discord, s => s["Advisor:Discord:PublicKey"] = new string('a', 64)));

        Assert.Equal(0, exit);
        Assert.Contains(lines, l => l.StartsWith("✔ token: valid", StringComparison.Ordinal) && l.Contains(EmulatorSettings.DiscordBotUserId, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✔ commands: the 5 global commands match", StringComparison.Ordinal));
        Assert.Contains("✔ public key: 64 hex characters", lines);
        EmulatorAssert.NoViolations(discord.Violations);
    }

    [Fact]
    public async Task Doctor_BadToken_OneFailureNamingTheFix()
    {
        await using var discord = await DiscordEmulator.StartAsync();
        Register(discord);
        discord.RejectToken = true;

        var (exit, lines) = await RunAsync(Settings(discord));

        Assert.Equal(1, exit);
        var failure = Assert.Single(lines, l => l.StartsWith('✘'));
        Assert.StartsWith("✘ token: Discord rejected the bot token", failure, StringComparison.Ordinal);
        Assert.Contains("fix: set Advisor:Discord:Token", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_CommandSetDiffers_OneFailureNamingTheDifferenceAndTheFix()
    {
        await using var discord = await DiscordEmulator.StartAsync();
        var registered = JsonNode.Parse(DiscordManifest.CommandsJson())!.AsArray();
        registered.RemoveAt(registered.Select(c => (string?)c!["name"]).ToList().IndexOf("gaps"));
        registered.Single(c => (string?)c!["name"] == "ask")!["description"] = "an old description";
        registered.Add(new JsonObject { ["name"] = "legacy", ["type"] = 1, ["description"] = "gone" });
        discord.Commands[$"/api/v10/applications/{DiscordEmulator.ApplicationId}/commands"] = registered;

        var (exit, lines) = await RunAsync(Settings(discord));

        Assert.Equal(1, exit);
        var failure = Assert.Single(lines, l => l.StartsWith('✘'));
        Assert.Contains("missing: /gaps", failure, StringComparison.Ordinal);
        Assert.Contains("not Advisor's: /legacy", failure, StringComparison.Ordinal);
        Assert.Contains("different: /ask", failure, StringComparison.Ordinal);
        Assert.Contains("fix: run `advisor serve` once", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_DevelopmentGuild_ReadsTheGuildCommands()
    {
        await using var discord = await DiscordEmulator.StartAsync();
        Register(discord); // global only: the guild has none

        var (exit, lines) = await RunAsync(Settings(discord, s => s["Advisor:Discord:GuildId"] = "123456789012345678"));

        Assert.Equal(1, exit);
        Assert.Contains(lines, l => l.StartsWith("✘ commands: the guild 123456789012345678 commands differ", StringComparison.Ordinal)
            && l.Contains("missing: /ask, /compare, /gaps, /reload, /roles", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("abc123")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    public async Task Doctor_PublicKeyNot64Hex_Fails(string key)
    {
        await using var discord = await DiscordEmulator.StartAsync();
        Register(discord);

        var (exit, lines) = await RunAsync(Settings(discord, s => s["Advisor:Discord:PublicKey"] = key));

        Assert.Equal(1, exit);
        var failure = Assert.Single(lines, l => l.StartsWith('✘'));
        Assert.StartsWith("✘ public key:", failure, StringComparison.Ordinal);
        Assert.Contains("Advisor:Discord:PublicKey", failure, StringComparison.Ordinal);
    }
}
