using Advisor.Core.Turns;
using Advisor.Discord.Rest;

namespace Advisor.Discord.Messages;

/// <summary>
/// The buttons under an answer and what their ids mean. Row 1: 👍 / 👎 (<c>fb:up:{turn}</c>, <c>fb:down:{turn}</c>) for
/// an answer that wants feedback; row 2: up to three suggested follow-ups (<c>fu:{key}</c>, a suggestion whose id
/// would pass Discord's 100 characters is left out). The state is all in the <c>custom_id</c>, so a click is understood
/// by any process, after any restart. 👎 opens the "What was missing?" modal (<c>fb:why:{turn}</c>).
/// </summary>
internal static class AnswerComponents
{
    public const string FeedbackUpPrefix = "fb:up:";
    public const string FeedbackDownPrefix = "fb:down:";
    public const string MissingPrefix = "fb:why:";
    public const string FollowUpPrefix = "fu:";

    /// <summary>The "Share" button under a private answer: posts the message it is on in the channel.</summary>
    public const string ShareId = "share";

    /// <summary>The disabled button that replaces it once the answer was shared.</summary>
    public const string SharedId = "shared";

    /// <summary>The modal's one paragraph input.</summary>
    public const string MissingInput = "missing";

    /// <summary>Discord's limit on a custom_id.</summary>
    public const int MaxCustomId = 100;

    /// <summary>Discord's limit on a button label.</summary>
    public const int MaxLabel = 80;

    /// <summary>How long the "what was missing?" text may be.</summary>
    public const int MaxMissingLength = 1000;

    /// <summary>The rendering of an answer as <see cref="IReplyChannel.SendAnswerAsync"/> sends it: its messages, the buttons under the last.</summary>
    public static IReadOnlyList<DiscordMessagePayload> Answer(TurnReply reply)
    {
        var parts = DiscordFormatter.Answer(reply.Answer);
        return For(reply) is { } rows ? [.. parts.Take(parts.Count - 1), parts[^1] with { Components = rows }] : parts;
    }

    /// <summary>The action rows for an answer, or null when it gets none (small talk, a command, no suggestions).</summary>
    public static IReadOnlyList<DiscordComponent>? For(TurnReply reply)
    {
        var rows = new List<DiscordComponent>(2);
        if (reply.WantsFeedback)
        {
            var id = reply.TurnId.ToString();
            rows.Add(Row(
                Button(FeedbackUpPrefix + id, emoji: "👍"),
                Button(FeedbackDownPrefix + id, emoji: "👎")));
        }

        var followUps = reply.FollowUps
            .Where(f => (FollowUpPrefix + f.Key).Length <= MaxCustomId)
            .Take(3)
            .Select(f => Button(FollowUpPrefix + f.Key, label: DiscordFormatter.Truncate(f.Label, MaxLabel)))
            .ToArray();
        if (followUps.Length > 0)
        {
            rows.Add(Row(followUps));
        }

        return rows.Count == 0 ? null : rows;
    }

    /// <summary>
    /// Each message with a "Share" button: in a row of its own after its rows (legacy messages, up to five rows), or,
    /// for a Components V2 message, a top-level row after its container (the formatter keeps room for it).
    /// </summary>
    public static IReadOnlyList<DiscordMessagePayload> WithShare(IReadOnlyList<DiscordMessagePayload> messages) =>
        messages.Select(m => (m.Components?.Count ?? 0) >= 5 ? m : m with { Components = [.. m.Components ?? [], Row(ShareButton)] }).ToList();

    private static DiscordComponent ShareButton { get; } = new()
    {
        Type = DiscordComponent.Button,
        Style = DiscordComponent.PrimaryStyle,
        CustomId = ShareId,
        Label = "Share",
    };

    /// <summary>The components of a shared answer: its Share button replaced by a disabled "Shared in the channel".</summary>
    public static IReadOnlyList<DiscordComponent> MarkShared(IReadOnlyList<DiscordComponent> components) =>
        components.Select(c => c.CustomId == ShareId
            ? c with { CustomId = SharedId, Label = "Shared in the channel", Style = DiscordComponent.SecondaryStyle, Disabled = true }
            : c with
            {
                Components = c.Components is { } inner ? MarkShared(inner) : null,
                Accessory = c.Accessory is { } a ? MarkShared([a])[0] : null,
            }).ToList();

    /// <summary>Components without their action rows (buttons only act for the one who got the private answer).</summary>
    public static IReadOnlyList<DiscordComponent> WithoutRows(IReadOnlyList<DiscordComponent> components) =>
        components.Where(c => c.Type != DiscordComponent.ActionRow)
            .Select(c => c.Components is { } inner ? c with { Components = WithoutRows(inner) } : c)
            .ToList();

    /// <summary>The "What was missing?" modal for a turn: one optional paragraph.</summary>
    public static ModalData MissingModal(string turnId) => new(
        MissingPrefix + turnId,
        "What was missing?",
        [
            new DiscordComponent
            {
                Type = DiscordComponent.LabelType,
                Label = "What was missing?",
                Component = new DiscordComponent
                {
                    Type = DiscordComponent.TextInput,
                    CustomId = MissingInput,
                    Style = DiscordComponent.ParagraphStyle,
                    Placeholder = "What did you hope the answer would say?",
                    MaxLength = MaxMissingLength,
                    Required = false,
                },
            },
        ]);

    private static DiscordComponent Row(params DiscordComponent[] buttons) => new() { Type = DiscordComponent.ActionRow, Components = buttons };

    private static DiscordComponent Button(string customId, string? label = null, string? emoji = null) => new()
    {
        Type = DiscordComponent.Button,
        Style = DiscordComponent.SecondaryStyle,
        CustomId = customId,
        Label = label,
        Emoji = emoji is null ? null : new ComponentEmoji(emoji),
    };
}
