using System.Text.Json.Nodes;

namespace Advisor.Slack;

/// <summary>One Slack message: the notification/fallback text and its Block Kit blocks. Unfurls are always off.</summary>
public sealed record SlackMessage(string Text, IReadOnlyList<JsonObject> Blocks)
{
    /// <summary>The chat.postMessage / response_url body (without channel or thread).</summary>
    public JsonObject ToJson()
    {
        var blocks = new JsonArray();
        foreach (var block in Blocks)
        {
            blocks.Add(block.DeepClone());
        }

        return new JsonObject
        {
            ["text"] = Text,
            ["blocks"] = blocks,
            ["unfurl_links"] = false,
            ["unfurl_media"] = false,
        };
    }
}
