using System.Text;
using System.Text.Json.Nodes;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Roles;
using Advisor.Core.Turns;

namespace Advisor.Slack;

/// <summary>
/// Renders answers as Block Kit within Slack's limits: section text at most 3,000 characters, at most 50 blocks
/// per message, at most 10 elements per context block. Everything from a question, the knowledge or a model
/// is escaped (&amp; &lt; &gt;) so it cannot ping anyone or form a link.
/// </summary>
public static class SlackRenderer
{
    public const int MaxSectionText = 3000;
    public const int MaxBlocksPerMessage = 50;
    public const int MaxContextElements = 10;
    public const int MaxFieldText = 2000;
    public const int MaxContextElementText = 2000;

    /// <summary>Total block text kept per message, under Slack's undocumented ~13k msg_blocks_too_long limit.</summary>
    public const int MaxCharsPerMessage = 12_000;

    private const int MaxFallbackText = 3000;

    /// <summary>How much of a question is quoted above its answer.</summary>
    private const int MaxQuotedQuestion = 1500;

    /// <summary>The action_id of the 👍/👎 <c>feedback_buttons</c> under an answer.</summary>
    public const string FeedbackActionId = "answer_feedback";

    /// <summary>The block_id of the <c>context_actions</c> block that holds the feedback buttons.</summary>
    public const string FeedbackBlockId = "advisor_feedback";

    /// <summary>The action_id prefix of a suggested follow-up button (<c>follow_up_1</c> … <c>follow_up_3</c>); its value is the follow-up's key.</summary>
    public const string FollowUpActionPrefix = "follow_up_";

    /// <summary>The block_id of the <c>actions</c> block that holds the suggested follow-ups.</summary>
    public const string FollowUpsBlockId = "advisor_follow_ups";

    /// <summary>The prefixes of the feedback buttons' values, followed by the turn id.</summary>
    public const string PositivePrefix = "up:";

    /// <inheritdoc cref="PositivePrefix"/>
    public const string NegativePrefix = "down:";

    private const int MaxButtonText = 75;

    /// <summary>The action_id of the "Share in channel" button under an ephemeral /ask answer; its value is the share id.</summary>
    public const string ShareActionId = "share_answer";

    /// <summary>The block_id of the block holding the share button.</summary>
    public const string ShareBlockId = "advisor_share";

    /// <summary>
    /// The ephemeral copy of an answer: its messages with a "Share in channel" button under the last one (in a message
    /// of its own when the last one has no room for another block).
    /// </summary>
    public static IReadOnlyList<JsonObject> WithShareButton(IReadOnlyList<JsonObject> messages, string shareId)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var share = new JsonObject
        {
            ["type"] = "actions",
            ["block_id"] = ShareBlockId,
            ["elements"] = new JsonArray(new JsonObject
            {
                ["type"] = "button",
                ["action_id"] = ShareActionId,
                ["text"] = PlainText("Share in channel"),
                ["value"] = shareId,
                ["accessibility_label"] = "Post this answer in the channel for everyone",
            }),
        };
        var copies = messages.Select(m => m.DeepClone().AsObject()).ToList();
        if (copies.Count > 0 && copies[^1]["blocks"] is JsonArray blocks && blocks.Count < MaxBlocksPerMessage)
        {
            blocks.Add(share);
        }
        else
        {
            copies.Add(new JsonObject { ["text"] = "Share this answer in the channel", ["blocks"] = new JsonArray(share) });
        }

        return copies;
    }

    /// <summary>The shared copy: the answer's messages with "Shared by @user" under the last one.</summary>
    public static IReadOnlyList<JsonObject> SharedBy(IReadOnlyList<JsonObject> messages, string userId)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var who = userId.Length is > 0 and <= 32 && userId.All(char.IsAsciiLetterOrDigit) ? $"<@{userId}>" : "someone";
        var by = Context([$"Shared by {who}"]);
        var copies = messages.Select(m => m.DeepClone().AsObject()).ToList();
        if (copies.Count > 0 && copies[^1]["blocks"] is JsonArray blocks && blocks.Count < MaxBlocksPerMessage)
        {
            blocks.Add(by);
        }
        else
        {
            copies.Add(new JsonObject { ["text"] = $"Shared by {who}", ["blocks"] = new JsonArray(by) });
        }

        return copies;
    }

    /// <summary>Escapes the three characters Slack's mrkdwn treats as control characters.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>
    /// An answer as one or more messages: the question quoted (when given, e.g. for a slash command whose invocation
    /// Slack does not show), the text in sections, then its citations in context blocks.
    /// </summary>
    public static IReadOnlyList<SlackMessage> Answer(Answer answer, string? question = null) => Pack(AnswerBlocks(answer, question));

    /// <summary>
    /// A reply as one or more messages: the answer (<see cref="Answer(Core.Answers.Answer, string?)"/>), then under its
    /// last message the suggested follow-ups (an <c>actions</c> block of up to three buttons whose values are the
    /// follow-ups' keys) and, when the answer invites feedback, 👍/👎 (a <c>context_actions</c> block with
    /// <c>feedback_buttons</c> whose values carry the turn id).
    /// </summary>
    public static IReadOnlyList<SlackMessage> Answer(TurnReply reply, string? question = null) =>
        Pack(AnswerBlocks(reply.Answer, question), Controls(reply));

    /// <summary>The blocks under an answer: its follow-up buttons and its feedback buttons (either may be absent).</summary>
    public static IReadOnlyList<JsonObject> Controls(TurnReply reply)
    {
        var blocks = new List<JsonObject>();
        var followUps = reply.FollowUps.Take(FollowUps.Max).ToList();
        if (followUps.Count > 0)
        {
            var buttons = new JsonArray();
            for (var i = 0; i < followUps.Count; i++)
            {
                buttons.Add(new JsonObject
                {
                    ["type"] = "button",
                    ["action_id"] = FollowUpActionPrefix + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["text"] = PlainText(Truncate(followUps[i].Label, MaxButtonText)),
                    ["value"] = followUps[i].Key,
                });
            }

            blocks.Add(new JsonObject { ["type"] = "actions", ["block_id"] = FollowUpsBlockId, ["elements"] = buttons });
        }

        if (reply.WantsFeedback)
        {
            var id = reply.TurnId.ToString();
            blocks.Add(new JsonObject
            {
                ["type"] = "context_actions",
                ["block_id"] = FeedbackBlockId,
                ["elements"] = new JsonArray(new JsonObject
                {
                    ["type"] = "feedback_buttons",
                    ["action_id"] = FeedbackActionId,
                    ["positive_button"] = new JsonObject { ["text"] = PlainText("👍"), ["value"] = PositivePrefix + id, ["accessibility_label"] = "Helpful answer" },
                    ["negative_button"] = new JsonObject { ["text"] = PlainText("👎"), ["value"] = NegativePrefix + id, ["accessibility_label"] = "Something was missing" },
                }),
            });
        }

        return blocks;
    }

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };

    private static List<JsonObject> AnswerBlocks(Answer answer, string? question)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var blocks = new List<JsonObject>();
        if (!string.IsNullOrWhiteSpace(question))
        {
            blocks.AddRange(Quote(question));
        }

        blocks.AddRange(Split(Escape(MentionGuard.Neutralize(answer.Text)), MaxSectionText).Select(Section));
        if (answer.Note is { Length: > 0 } note)
        {
            blocks.Add(Context([Escape(MentionGuard.Neutralize(note))]));
        }

        blocks.AddRange(CitationBlocks(answer.Citations));
        return blocks;
    }

    /// <summary>
    /// A notice (an error, a usage hint, a refusal, a reload summary) from raw text: escaped, split into sections
    /// within Slack's limits, in as many messages as it needs.
    /// </summary>
    public static IReadOnlyList<SlackMessage> Notice(string raw)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(raw);
        return Pack(Split(Escape(raw), MaxSectionText).Select(Section).ToList());
    }

    /// <summary>
    /// A comparison side by side: one section per aspect with the two roles as two fields, or, when one section
    /// answers for both roles, that text once under "Both".
    /// </summary>
    public static IReadOnlyList<SlackMessage> Comparison(RoleComparison comparison) =>
        ComparisonTable(comparison) is { } table ? [table] : ComparisonSections(comparison);

    /// <summary>Rows a table block takes at most (Block Kit: 100), the header row included.</summary>
    public const int MaxTableRows = 100;

    /// <summary>Characters one table cell is given at most (Block Kit documents no cell limit; this keeps a row readable).</summary>
    public const int MaxTableCellText = 2000;

    /// <summary>
    /// A comparison as one message with a <c>table</c> block: a header row (aspect, role A, role B), then one row per
    /// aspect, each cell the role's points with its citation number ("[2]"), a shared cell in both columns; the
    /// citations in context blocks below. Null when it does not fit Block Kit's limits in one message (more than 99
    /// aspects, a cell longer than <see cref="MaxTableCellText"/>, more text than a message holds): the caller falls
    /// back to <see cref="ComparisonSections"/>. Slack shows one table per message.
    /// </summary>
    public static SlackMessage? ComparisonTable(RoleComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        if (comparison.Rows.Count + 1 > MaxTableRows)
        {
            return null;
        }

        var citations = new List<Citation>();
        var rows = new JsonArray(TableRow("Aspect", comparison.RoleA, comparison.RoleB));
        var total = 0;
        foreach (var row in comparison.Rows)
        {
            string a, b;
            if (row.Both is { } both)
            {
                a = b = TableCell(both, citations);
            }
            else
            {
                a = TableCell(row.A, citations);
                b = TableCell(row.B, citations);
            }

            if (a.Length > MaxTableCellText || b.Length > MaxTableCellText)
            {
                return null;
            }

            total += row.AspectTitle.Length + a.Length + b.Length;
            rows.Add(TableRow(row.AspectTitle, a, b));
        }

        if (total > MaxCharsPerMessage)
        {
            return null;
        }

        var blocks = new List<JsonObject>
        {
            new()
            {
                ["type"] = "header",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate($"{comparison.RoleA} vs {comparison.RoleB}", 150) },
            },
            new()
            {
                ["type"] = "table",
                ["column_settings"] = new JsonArray(
                    new JsonObject { ["is_wrapped"] = true },
                    new JsonObject { ["is_wrapped"] = true },
                    new JsonObject { ["is_wrapped"] = true }),
                ["rows"] = rows,
            },
        };
        blocks.AddRange(CitationBlocks(citations));
        if (blocks.Count > MaxBlocksPerMessage)
        {
            return null;
        }

        return new SlackMessage(Truncate($"{comparison.RoleA} vs {comparison.RoleB}", MaxFallbackText), blocks);
    }

    private static JsonArray TableRow(params string[] cells) =>
        new([.. cells.Select(c => (JsonNode)new JsonObject { ["type"] = "raw_text", ["text"] = c })]);

    /// <summary>A table cell: the points as lines ("• …"), then the citation number; raw text (no escaping: Slack shows it as is).</summary>
    private static string TableCell(ComparisonCell? cell, List<Citation> citations)
    {
        if (cell is null)
        {
            return "The knowledge says nothing about this.";
        }

        var existing = citations.IndexOf(cell.Citation);
        if (existing < 0)
        {
            citations.Add(cell.Citation);
            existing = citations.Count - 1;
        }

        var text = new StringBuilder();
        foreach (var point in cell.Points)
        {
            text.Append("• ").Append(MentionGuard.Neutralize(point)).Append('\n');
        }

        return text.Append('[').Append(existing + 1).Append(']').ToString();
    }

    /// <summary>The comparison as sections (one per aspect, the two roles as two fields): the layout when a table does not fit.</summary>
    public static IReadOnlyList<SlackMessage> ComparisonSections(RoleComparison comparison)
    {
        var blocks = new List<JsonObject>
        {
            new()
            {
                ["type"] = "header",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate($"{comparison.RoleA} vs {comparison.RoleB}", 150) },
            },
        };
        var citations = new List<Citation>();
        foreach (var row in comparison.Rows)
        {
            blocks.Add(Section($"*{Escape(row.AspectTitle)}*"));
            blocks.Add(row.Both is { } both
                ? Section(CellText("Both", both, citations, MaxSectionText))
                : new JsonObject
                {
                    ["type"] = "section",
                    ["fields"] = new JsonArray(Field(comparison.RoleA, row.A, citations), Field(comparison.RoleB, row.B, citations)),
                });
        }

        blocks.AddRange(CitationBlocks(citations));
        return Pack(blocks, $"{comparison.RoleA} vs {comparison.RoleB}");
    }

    /// <summary>The role catalog as a list (one message unless the catalog is very long).</summary>
    public static IReadOnlyList<SlackMessage> Roles(IReadOnlyList<RoleInfo> roles)
    {
        var text = new StringBuilder("*Roles I can advise on*\n");
        foreach (var role in roles)
        {
            text.Append("• ").Append(Escape(role.Name));
            if (role.Articles.Count > 0)
            {
                text.Append(" — ").Append(Escape(string.Join(", ", role.Articles)));
            }

            text.Append('\n');
        }

        return Pack(Split(text.ToString().TrimEnd(), MaxSectionText).Select(Section).ToList());
    }

    /// <summary>A section block with mrkdwn text (the caller escapes).</summary>
    public static JsonObject Section(string mrkdwn) => new()
    {
        ["type"] = "section",
        ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = mrkdwn },
    };

    /// <summary>Splits text into pieces of at most <paramref name="max"/> characters, preferring paragraph, line, then word boundaries, never cutting an escape entity.</summary>
    public static IReadOnlyList<string> Split(string text, int max)
    {
        var pieces = new List<string>();
        var rest = text.Trim();
        while (rest.Length > max)
        {
            var cut = LastBreak(rest, max, "\n\n");
            if (cut <= 0)
            {
                cut = LastBreak(rest, max, "\n");
            }

            if (cut <= 0)
            {
                cut = LastBreak(rest, max, " ");
            }

            if (cut <= 0)
            {
                cut = max;
                var amp = rest.LastIndexOf('&', max - 1, Math.Min(max, 6));
                if (amp > 0 && rest.IndexOf(';', amp) >= max)
                {
                    cut = amp; // do not split "&amp;" in two
                }

                if (char.IsHighSurrogate(rest[cut - 1]))
                {
                    cut--;
                }
            }

            var piece = rest[..cut].TrimEnd();
            if (piece.Length > 0)
            {
                pieces.Add(piece);
            }

            rest = rest[cut..].TrimStart();
        }

        if (rest.Length > 0)
        {
            pieces.Add(rest);
        }

        return pieces;
    }

    private static int LastBreak(string text, int max, string separator)
    {
        var index = text.LastIndexOf(separator, max - 1, max, StringComparison.Ordinal);
        return index < max / 3 ? -1 : index; // a break too early makes needlessly many pieces
    }

    /// <summary>Citations as "[n] Article › Section › Role" in context blocks of at most ten elements.</summary>
    private static IEnumerable<JsonObject> CitationBlocks(IEnumerable<Citation> citations) =>
        citations
            .Select((c, i) => Truncate($"[{i + 1}] {Escape(MentionGuard.Neutralize(c.Label))}", MaxContextElementText))
            .Chunk(MaxContextElements)
            .Select(Context);

    /// <summary>The question as a block quote, shortened to <see cref="MaxQuotedQuestion"/> characters.</summary>
    private static IEnumerable<JsonObject> Quote(string question)
    {
        var shown = Truncate(Escape(MentionGuard.Neutralize(question.Trim())), MaxQuotedQuestion);
        return Split("> " + shown.Replace("\n", "\n> ", StringComparison.Ordinal), MaxSectionText).Select(Section);
    }

    private static JsonObject Context(IEnumerable<string> mrkdwnElements)
    {
        var elements = new JsonArray();
        foreach (var e in mrkdwnElements)
        {
            elements.Add(new JsonObject { ["type"] = "mrkdwn", ["text"] = e });
        }

        return new JsonObject { ["type"] = "context", ["elements"] = elements };
    }

    private static JsonObject Field(string role, ComparisonCell? cell, List<Citation> citations) =>
        new() { ["type"] = "mrkdwn", ["text"] = CellText(role, cell, citations, MaxFieldText) };

    /// <summary>A cell as mrkdwn under a bold label, its citation numbered in <paramref name="citations"/>, at most <paramref name="max"/> characters.</summary>
    private static string CellText(string label, ComparisonCell? cell, List<Citation> citations, int max)
    {
        var text = new StringBuilder("*").Append(Escape(label)).Append("*\n");
        if (cell is null)
        {
            text.Append("_The knowledge says nothing about this._");
        }
        else
        {
            citations.Add(cell.Citation);
            var n = citations.Count;
            foreach (var point in cell.Points)
            {
                text.Append("• ").Append(Escape(MentionGuard.Neutralize(point))).Append('\n');
            }

            text.Append('[').Append(n).Append(']');
        }

        var value = text.ToString();
        if (value.Length > max)
        {
            var marker = cell is null ? "" : $"… [{citations.Count}]";
            value = Split(value, max - marker.Length)[0] + marker;
        }

        return value;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : Split(text, max - 1)[0] + "…";

    /// <summary>Packs the blocks, then puts the <paramref name="tail"/> (buttons) under the last message, or in one more when it is full.</summary>
    private static List<SlackMessage> Pack(List<JsonObject> blocks, IReadOnlyList<JsonObject> tail)
    {
        var messages = Pack(blocks);
        if (tail.Count == 0)
        {
            return messages;
        }

        var last = messages[^1];
        var chars = last.Blocks.Sum(b => BlockChars(b)) + tail.Sum(b => BlockChars(b));
        if (last.Blocks.Count + tail.Count <= MaxBlocksPerMessage && chars <= MaxCharsPerMessage)
        {
            messages[^1] = last with { Blocks = [.. last.Blocks, .. tail] };
        }
        else
        {
            messages.Add(new SlackMessage("More on this answer", [.. tail]));
        }

        return messages;
    }

    private static List<SlackMessage> Pack(List<JsonObject> blocks, string? fallback = null)
    {
        var messages = new List<SlackMessage>();
        var current = new List<JsonObject>();
        var chars = 0;
        foreach (var block in blocks)
        {
            var size = BlockChars(block);
            if (current.Count > 0 && (current.Count >= MaxBlocksPerMessage || chars + size > MaxCharsPerMessage))
            {
                messages.Add(Message(current, fallback));
                current = [];
                chars = 0;
            }

            current.Add(block);
            chars += size;
        }

        if (current.Count > 0)
        {
            messages.Add(Message(current, fallback));
        }

        return messages;
    }

    private static SlackMessage Message(List<JsonObject> blocks, string? fallback)
    {
        var text = fallback is not null
            ? Escape(fallback)
            : string.Join("\n\n", blocks.Where(b => (string?)b["type"] == "section").Select(b => (string?)b["text"]?["text"] ?? ""));
        if (text.Length == 0)
        {
            text = string.Join(" ", blocks.SelectMany(b => b["elements"]?.AsArray() ?? []).Select(e => (string?)e?["text"] ?? ""));
        }

        return new SlackMessage(Truncate(text, MaxFallbackText), blocks);
    }

    private static int BlockChars(JsonObject block) => block.ToJsonString().Length;
}
