using Advisor.Testing.Discord;
using Advisor.Testing.Slack;

namespace Advisor.Testing;

/// <summary>Worker settings that point the Slack (Socket Mode) and Discord (gateway + REST) adapters at the emulators.</summary>
public static class EmulatorSettings
{
    public const string SlackBotToken = "xoxb-e2e-bot-token";
    public const string SlackAppToken = "xapp-e2e-app-token";

    /// <summary>The Discord bot's user id the emulator announces in READY.</summary>
    public const string DiscordBotUserId = "999000000000000001";

    public static Dictionary<string, string?> For(SlackEmulator? slack, DiscordEmulator? discord)
    {
        var settings = new Dictionary<string, string?>();
        if (slack is not null)
        {
            settings["Advisor:Slack:BotToken"] = SlackBotToken;
            settings["Advisor:Slack:AppToken"] = SlackAppToken;
            settings["Advisor:Slack:ApiBaseUrl"] = slack.ApiBase.ToString();
        }

        if (discord is not null)
        {
            settings["Advisor:Discord:Token"] = DiscordEmulator.Token;
            settings["Advisor:Discord:ApplicationId"] = DiscordEmulator.ApplicationId;
            settings["Advisor:Discord:ApiBaseUrl"] = discord.ApiBaseUrl;
        }

        return settings;
    }
}
