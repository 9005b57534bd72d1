using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Advisor.Testing.Slack;

/// <summary>
/// Modals: views.open / views.update (BRIEF-2 S4; docs.slack.dev/reference/methods/views.open, views.update) and the
/// trigger_ids they exchange (single use; optionally expiring).
/// </summary>
public sealed partial class SlackEmulator
{
    private const int ViewBytes = 250 * 1024;
    private readonly List<SlackView> _views = [];
    private readonly Dictionary<string, (DateTimeOffset Issued, string? User, bool Used)> _triggers = new(StringComparer.Ordinal);
    private int _viewCounter;

    /// <summary>
    /// How long a trigger_id the emulator issued stays usable (Slack: 3 s, then <c>expired_trigger_id</c>); null (the
    /// default) never expires them, so a loaded machine cannot fail a test by timing. Single use is always enforced.
    /// </summary>
    public TimeSpan? TriggerLifetime { get; set; }

    /// <summary>Every modal opened, in order.</summary>
    public IReadOnlyList<SlackView> Views
    {
        get
        {
            lock (_gate)
            {
                return [.. _views];
            }
        }
    }

    /// <summary>A new trigger_id (the documented "132456.7890123.abcdef" shape), usable once with views.open.</summary>
    public string NewTriggerId(string? user = null)
    {
        var id = string.Create(CultureInfo.InvariantCulture,
            $"{Random.Shared.NextInt64(1_000_000_000_000, 9_999_999_999_999)}.{Random.Shared.Next(100_000_000, 999_999_999)}.{Guid.NewGuid():N}");
        lock (_gate)
        {
            _triggers[id] = (DateTimeOffset.UtcNow, user, false);
        }

        return id;
    }

    /// <summary>
    /// views.open: <c>trigger_id</c> or <c>interactivity_pointer</c> required (<c>invalid_arguments</c>), well-formed
    /// (<c>invalid_trigger_id</c>), not used before (<c>exchanged_trigger_id</c>), not expired (<c>expired_trigger_id</c>);
    /// <c>view</c> required and valid (<c>invalid_arguments</c>), ≤250 kB (<c>view_too_large</c>), a unique external_id
    /// (<c>duplicate_external_id</c>). Answers <c>{ok, view}</c>.
    /// </summary>
    private JsonObject OpenView(JsonObject body)
    {
        var trigger = (string?)body["trigger_id"] ?? (string?)body["interactivity_pointer"];
        if (string.IsNullOrEmpty(trigger))
        {
            return InvalidArguments("[ERROR] missing required field: trigger_id");
        }

        if (!TriggerShape().IsMatch(trigger))
        {
            return Fail("invalid_trigger_id");
        }

        if (ViewProblem(body) is { } problem)
        {
            return problem;
        }

        var view = (JsonObject)body["view"]!;
        lock (_gate)
        {
            string? user = null;
            if (_triggers.TryGetValue(trigger, out var issued))
            {
                if (issued.Used)
                {
                    return Fail("exchanged_trigger_id");
                }

                if (TriggerLifetime is { } lifetime && DateTimeOffset.UtcNow - issued.Issued > lifetime)
                {
                    return Fail("expired_trigger_id");
                }

                user = issued.User;
            }

            if ((string?)view["external_id"] is { Length: > 0 } external && _views.Any(v => v.ExternalId == external))
            {
                return Fail("duplicate_external_id");
            }

            _triggers[trigger] = (issued.Issued == default ? DateTimeOffset.UtcNow : issued.Issued, user, true);
            var id = "V" + (0x10000000 + Interlocked.Increment(ref _viewCounter)).ToString("X", CultureInfo.InvariantCulture);
            var shown = Shown(view, id, id);
            _views.Add(new SlackView(id, trigger, user, shown));
            return new JsonObject { ["ok"] = true, ["view"] = shown.DeepClone() };
        }
    }

    /// <summary>
    /// views.update: <c>view</c> and one of <c>view_id</c> / <c>external_id</c> required (<c>invalid_arguments</c>), a known
    /// view (<c>not_found</c>), the current <c>hash</c> when one is sent (<c>hash_conflict</c>). Answers <c>{ok, view}</c>.
    /// </summary>
    private JsonObject UpdateView(JsonObject body)
    {
        var viewId = (string?)body["view_id"];
        var externalId = (string?)body["external_id"];
        if (string.IsNullOrEmpty(viewId) && string.IsNullOrEmpty(externalId))
        {
            return InvalidArguments("[ERROR] either view_id or external_id is required");
        }

        if (ViewProblem(body) is { } problem)
        {
            return problem;
        }

        lock (_gate)
        {
            var target = _views.LastOrDefault(v => string.IsNullOrEmpty(viewId) ? v.ExternalId == externalId : v.Id == viewId);
            if (target is null)
            {
                return Fail("not_found");
            }

            if ((string?)body["hash"] is { Length: > 0 } hash && hash != target.Hash)
            {
                return Fail("hash_conflict");
            }

            var shown = Shown((JsonObject)body["view"]!, target.Id, (string?)target.View["root_view_id"] ?? target.Id);
            target.Add(shown);
            return new JsonObject { ["ok"] = true, ["view"] = shown.DeepClone() };
        }
    }

    /// <summary>
    /// A view's documented limits (docs.slack.dev/surfaces/modals, reference/views): type modal, title (plain_text)
    /// ≤24, submit ≤24 (required with input blocks), close ≤24, ≤100 blocks that pass Block Kit, private_metadata
    /// ≤3,000, callback_id and external_id ≤255, ≤250 kB in all.
    /// </summary>
    private static JsonObject? ViewProblem(JsonObject body)
    {
        if (body["view"] is null)
        {
            return InvalidArguments("[ERROR] missing required field: view");
        }

        if (body["view"] is not JsonObject view)
        {
            return InvalidArguments("[ERROR] view must be a JSON object [json-pointer:/view]");
        }

        if (Encoding.UTF8.GetByteCount(view.ToJsonString()) > ViewBytes)
        {
            return Fail("view_too_large");
        }

        if ((string?)view["type"] != "modal")
        {
            return InvalidArguments("[ERROR] must be one of modal [json-pointer:/view/type]");
        }

        foreach (var (name, required) in (ReadOnlySpan<(string, bool)>)[("title", true), ("submit", false), ("close", false)])
        {
            if (view[name] is not JsonObject text)
            {
                if (required)
                {
                    return InvalidArguments($"[ERROR] missing required field: {name} [json-pointer:/view]");
                }

                continue;
            }

            if ((string?)text["type"] != "plain_text" || ((string?)text["text"])?.Length is null or 0 or > 24)
            {
                return InvalidArguments($"[ERROR] must be plain_text of 1 to 24 characters [json-pointer:/view/{name}]");
            }
        }

        if (view["blocks"] is not JsonArray blocks)
        {
            return InvalidArguments("[ERROR] missing required field: blocks [json-pointer:/view]");
        }

        if (blocks.OfType<JsonObject>().Any(b => (string?)b["type"] == "input") && view["submit"] is null)
        {
            return InvalidArguments("[ERROR] submit is required when a view has input blocks [json-pointer:/view]");
        }

        if (BlockKit.Check(blocks, BlockKit.ViewBlocks) is { } problem)
        {
            return InvalidArguments(problem.Replace("[json-pointer:/blocks", "[json-pointer:/view/blocks", StringComparison.Ordinal));
        }

        foreach (var (name, max) in (ReadOnlySpan<(string, int)>)[("private_metadata", 3000), ("callback_id", 255), ("external_id", 255)])
        {
            if (((string?)view[name])?.Length > max)
            {
                return InvalidArguments($"[ERROR] must be less than {max + 1} characters [json-pointer:/view/{name}]");
            }
        }

        return null;
    }

    /// <summary>The view as Slack returns it: the fields sent, plus id, hash, empty state, block_ids and the app's ids.</summary>
    private static JsonObject Shown(JsonObject view, string id, string rootId)
    {
        var shown = view.DeepClone().AsObject();
        shown["id"] = id;
        shown["team_id"] = TeamId;
        shown["blocks"] = BlockKit.WithIds((JsonArray)view["blocks"]!);
        shown["private_metadata"] = (string?)view["private_metadata"] ?? "";
        shown["callback_id"] = (string?)view["callback_id"] ?? "";
        shown["external_id"] = (string?)view["external_id"] ?? "";
        shown["state"] = new JsonObject { ["values"] = new JsonObject() };
        shown["hash"] = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Guid.NewGuid().ToString("N")[..8]}");
        shown["clear_on_close"] = view["clear_on_close"]?.DeepClone() ?? false;
        shown["notify_on_close"] = view["notify_on_close"]?.DeepClone() ?? false;
        shown["root_view_id"] = rootId;
        shown["previous_view_id"] = null;
        shown["app_id"] = "A111";
        shown["bot_id"] = BotId;
        return shown;
    }

    [GeneratedRegex(@"^\d+\.\d+\.[0-9A-Za-z]+$")]
    private static partial Regex TriggerShape();
}
