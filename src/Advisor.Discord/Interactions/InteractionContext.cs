using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;

namespace Advisor.Discord.Interactions;

/// <summary>
/// An interaction, read and checked once on arrival: every field the bot uses is copied out with its type checked, so
/// nothing later can trip over odd input (a number where a string belongs, invalid UTF-8, a token that is not one).
/// Use <see cref="Parse"/>; an interaction that does not parse is refused (400 on the HTTP endpoint).
/// </summary>
internal sealed partial record InteractionContext
{
    public const ulong AdministratorBit = 1UL << 3;
    public const ulong ManageGuildBit = 1UL << 5;

    /// <summary>The interaction id (a snowflake).</summary>
    public required string Id { get; init; }

    /// <summary>The interaction token: the credential of its callback and webhook routes; checked to be a token (<see cref="DiscordRestClient.IsValidToken"/>).</summary>
    public required string Token { get; init; }

    /// <summary>2 application command, 3 component, 4 autocomplete, 5 modal submit.</summary>
    public required int Type { get; init; }

    public string? GuildId { get; init; }

    public string? ChannelId { get; init; }

    /// <summary>The type of the channel it was invoked in (the interaction's partial <c>channel</c> object), when sent.</summary>
    public int? ChannelType { get; init; }

    /// <summary>The invoking user (<c>member.user.id</c> in a guild, <c>user.id</c> elsewhere).</summary>
    public required string UserId { get; init; }

    /// <summary>True when the interaction came with a guild <c>member</c>.</summary>
    public bool IsMember { get; init; }

    /// <summary>The member's permissions bitset (a decimal string), when sent.</summary>
    public string? MemberPermissions { get; init; }

    public IReadOnlyList<string> MemberRoles { get; init; } = [];

    /// <summary>The command's name (<c>data.name</c>); empty for other interaction types.</summary>
    public string CommandName { get; init; } = "";

    /// <summary>A component's or a modal's <c>data.custom_id</c> (types 3 and 5); empty for other types.</summary>
    public string CustomId { get; init; } = "";

    /// <summary>The id of the message a clicked component is on (<c>message.id</c>), when sent.</summary>
    public string? MessageId { get; init; }

    /// <summary>A modal submit's text inputs, by custom_id.</summary>
    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();

    /// <summary>The top-level options (the commands here have no subcommands).</summary>
    public IReadOnlyList<InteractionOption> Options { get; init; } = [];

    /// <summary>
    /// Where it was invoked (<c>context</c>): 0 a guild, 1 the bot's DM, 2 a private channel (group DM or another
    /// user's DM, reachable only through a user install); null when not sent.
    /// </summary>
    public int? InvocationContext { get; init; }

    /// <summary>The installation kinds that authorized it (<c>authorizing_integration_owners</c> keys: "0" guild, "1" user); empty when not sent.</summary>
    public IReadOnlyCollection<string> AuthorizingIntegrations { get; init; } = [];

    /// <summary>A clicked component's message as sent (type 3), for the Share button to copy; null otherwise.</summary>
    public JsonElement? SourceMessage { get; init; }

    /// <summary>
    /// True when the bot itself can post in the channel with its token: a guild where Advisor is installed (the owners
    /// name the guild install, or are not sent), or the bot's own DM. False in a private channel, or in a server where
    /// only the user installed Advisor (no bot member there; only the interaction's own responses reach it).
    /// </summary>
    public bool BotInChannel => InvocationContext switch
    {
        1 => true,
        2 => false,
        _ when GuildId is null => InvocationContext is null,
        _ => AuthorizingIntegrations.Count == 0 || AuthorizingIntegrations.Contains("0"),
    };

    /// <summary>When the bot received the interaction (a turn's latency is measured from here).</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>True when invoked in a thread (channel types 10, 11, 12).</summary>
    public bool IsThread => DiscordConversation.IsThread(ChannelType);

    /// <summary>An option's value as text.</summary>
    public string? Option(string name) => Options.FirstOrDefault(o => o.Name == name)?.Value;

    /// <summary>The option being typed in an autocomplete interaction.</summary>
    public (string Name, string Value)? Focused() =>
        Options.FirstOrDefault(o => o.Focused) is { } focused ? (focused.Name, focused.IsString ? focused.Value ?? "" : "") : null;

    /// <summary>True for a guild member holding Administrator or Manage Server, or one of the configured admin roles.</summary>
    public bool IsAdmin(IReadOnlyCollection<string> adminRoleIds)
    {
        if (!IsMember || GuildId is null)
        {
            return false;
        }

        if (MemberPermissions is { } text && BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var permissions)
            && (permissions & (AdministratorBit | ManageGuildBit)) != BigInteger.Zero)
        {
            return true;
        }

        return MemberRoles.Any(adminRoleIds.Contains);
    }

    /// <summary>
    /// Reads an interaction other than PING. Null, with <paramref name="problem"/> saying what is wrong (never echoing
    /// the input), when it is not an interaction the bot can answer safely.
    /// </summary>
    public static InteractionContext? Parse(JsonElement interaction, out string? problem, DateTimeOffset receivedAt = default)
    {
        var read = new Reader(receivedAt);
        var context = read.Interaction(interaction);
        problem = read.Problem;
        return problem is null ? context : null;
    }

    /// <summary>Reads fields, remembering the first problem.</summary>
    private sealed partial class Reader(DateTimeOffset receivedAt)
    {
        public string? Problem { get; private set; }

        public InteractionContext? Interaction(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail<InteractionContext>("the body is not a JSON object");
            }

            var type = Int(root, "type", required: true);
            var id = Snowflake(root, "id", required: true);
            var token = String(root, "token", required: true);
            if (Problem is null && !DiscordRestClient.IsValidToken(token))
            {
                Fail("'token' is not an interaction token");
            }

            var guild = Snowflake(root, "guild_id", required: false);
            var channelId = Snowflake(root, "channel_id", required: false);
            var channel = Object(root, "channel");
            var channelFromObject = channel is { } co ? Snowflake(co, "id", required: false) : null;
            var channelType = channel is { } ct ? Int(ct, "type", required: false) : null;
            var member = Object(root, "member");
            var user = member is { } m ? Object(m, "user") : Object(root, "user");
            var userId = user is { } u ? Snowflake(u, "id", required: true) : Fail("neither 'member.user' nor 'user' is present");
            var permissions = member is { } mp ? String(mp, "permissions", required: false) : null;
            var roles = member is { } mr ? Strings(mr, "roles") : [];
            var invocationContext = Int(root, "context", required: false);
            var owners = Object(root, "authorizing_integration_owners") is { } o ? Keys(o) : [];
            var data = Object(root, "data");
            string? name = null;
            IReadOnlyList<InteractionOption> options = [];
            if (type is 2 or 4)
            {
                if (data is not { } d)
                {
                    return Fail<InteractionContext>("a command interaction without a 'data' object");
                }

                name = String(d, "name", required: true);
                options = Options(d);
            }

            string? customId = null;
            string? messageId = null;
            JsonElement? sourceMessage = null;
            var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
            if (type is 3 or 5)
            {
                if (data is not { } d)
                {
                    return Fail<InteractionContext>("a component or modal interaction without a 'data' object");
                }

                customId = String(d, "custom_id", required: true);
                sourceMessage = Object(root, "message")?.Clone();
                messageId = sourceMessage is { } message ? Snowflake(message, "id", required: false) : null;
                if (type == 5)
                {
                    Inputs(d, inputs);
                }
            }

            if (Problem is not null)
            {
                return null;
            }

            return new InteractionContext
            {
                Id = id!,
                Token = token!,
                Type = type!.Value,
                GuildId = guild,
                ChannelId = channelId ?? channelFromObject,
                ChannelType = channelType,
                UserId = userId!,
                IsMember = member is not null,
                MemberPermissions = permissions,
                MemberRoles = roles,
                CommandName = name ?? "",
                Options = options,
                CustomId = customId ?? "",
                MessageId = messageId,
                Inputs = inputs,
                InvocationContext = invocationContext,
                AuthorizingIntegrations = owners,
                SourceMessage = sourceMessage,
                ReceivedAt = receivedAt,
            };
        }

        private IReadOnlyList<InteractionOption> Options(JsonElement data)
        {
            if (!data.TryGetProperty("options", out var list) || list.ValueKind == JsonValueKind.Null)
            {
                return [];
            }

            if (list.ValueKind != JsonValueKind.Array)
            {
                Fail("'data.options' is not an array");
                return [];
            }

            var options = new List<InteractionOption>();
            foreach (var option in list.EnumerateArray())
            {
                if (option.ValueKind != JsonValueKind.Object)
                {
                    Fail("an option is not an object");
                    return [];
                }

                var name = String(option, "name", required: true);
                string? value = null;
                var isString = false;
                if (option.TryGetProperty("value", out var v))
                {
                    switch (v.ValueKind)
                    {
                        case JsonValueKind.String:
                            value = Text(v, "an option value");
                            isString = true;
                            break;
                        case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                            value = v.GetRawText();
                            break;
                        case JsonValueKind.Null:
                            break;
                        default:
                            Fail("an option value is neither text, a number nor a boolean");
                            break;
                    }
                }

                var focused = option.TryGetProperty("focused", out var f) && f.ValueKind == JsonValueKind.True;
                if (Problem is not null)
                {
                    return [];
                }

                options.Add(new InteractionOption(name!, value, isString, focused));
            }

            return options;
        }

        /// <summary>
        /// A modal submit's text values: <c>components</c> holds labels (18, the input in <c>component</c>) or legacy
        /// action rows (1, the inputs in <c>components</c>); inputs without a string <c>value</c> are skipped.
        /// </summary>
        private void Inputs(JsonElement data, Dictionary<string, string> inputs)
        {
            if (!data.TryGetProperty("components", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            void Input(JsonElement input)
            {
                if (input.ValueKind == JsonValueKind.Object && String(input, "custom_id", required: false) is { } id
                    && input.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String && Text(value, "an input value") is { } text)
                {
                    inputs[id] = text;
                }
            }

            foreach (var top in list.EnumerateArray())
            {
                if (top.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (top.TryGetProperty("component", out var inner))
                {
                    Input(inner);
                }

                if (top.TryGetProperty("components", out var row) && row.ValueKind == JsonValueKind.Array)
                {
                    foreach (var input in row.EnumerateArray())
                    {
                        Input(input);
                    }
                }
            }
        }

        /// <summary>An object's property names; a name that is not valid UTF-8 fails the interaction.</summary>
        private string[] Keys(JsonElement obj)
        {
            try
            {
                return obj.EnumerateObject().Select(p => p.Name).ToArray();
            }
            catch (InvalidOperationException)
            {
                Fail("'authorizing_integration_owners' has a key that is not valid UTF-8");
                return [];
            }
        }

        private string[] Strings(JsonElement obj, string name)
        {
            if (!obj.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
            {
                return [];
            }

            if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                Fail($"'{name}' is not an array of strings");
                return [];
            }

            return list.EnumerateArray().Select(e => Text(e, $"'{name}'") ?? "").ToArray();
        }

        private JsonElement? Object(JsonElement obj, string name)
        {
            if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                Fail($"'{name}' is not an object");
                return null;
            }

            return value;
        }

        private int? Int(JsonElement obj, string name, bool required)
        {
            if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return required ? Fail<int?>($"'{name}' is missing") : null;
            }

            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i) ? i : Fail<int?>($"'{name}' is not an integer");
        }

        private string? String(JsonElement obj, string name, bool required)
        {
            if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return required ? Fail($"'{name}' is missing") : null;
            }

            return value.ValueKind == JsonValueKind.String ? Text(value, $"'{name}'") : Fail($"'{name}' is not a string");
        }

        private string? Snowflake(JsonElement obj, string name, bool required)
        {
            var value = String(obj, name, required);
            return value is null || SnowflakePattern().IsMatch(value) ? value : Fail($"'{name}' is not a snowflake id");
        }

        /// <summary>A string's text; JSON with invalid UTF-8 parses, but its text cannot be read.</summary>
        private string? Text(JsonElement value, string what)
        {
            try
            {
                return value.GetString();
            }
            catch (InvalidOperationException)
            {
                return Fail($"{what} is not valid UTF-8");
            }
        }

        private string? Fail(string problem) => Fail<string?>(problem);

        private T? Fail<T>(string problem)
        {
            Problem ??= problem;
            return default;
        }

        [GeneratedRegex("^[0-9]{1,20}$")]
        private static partial Regex SnowflakePattern();
    }
}

/// <summary>One top-level option of a command: its value as text (a string as is, a number or boolean as written).</summary>
internal sealed record InteractionOption(string Name, string? Value, bool IsString, bool Focused);

/// <summary>A command that failed with a message for the user (sent ephemerally).</summary>
internal sealed class CommandFailedException(string message) : Exception(message);

/// <summary>One slash command: its registration and its handler (the seam Discord.Net calls an interaction module).</summary>
internal interface IDiscordCommandModule
{
    /// <summary>The command as registered (bulk overwrite body item).</summary>
    CommandDefinition Definition { get; }

    /// <summary>True when the deferred response (and so the result) is visible only to the caller.</summary>
    bool Ephemeral { get; }

    /// <summary>True when a private result gets a "Share" button that posts it in the channel.</summary>
    bool Shareable => false;

    /// <summary>A fast check before deferring; a message here is sent ephemerally instead of running the command.</summary>
    string? Precheck(InteractionContext context);

    /// <summary>
    /// Runs the command after the deferral and replies through <paramref name="reply"/>. A <see cref="CommandFailedException"/>
    /// becomes its message for the caller only; any other failure the apology.
    /// </summary>
    Task ExecuteAsync(InteractionContext context, InteractionReply reply, CancellationToken cancellationToken);

    /// <summary>
    /// At intake, once the command is queued: begins holding a question it asks (<c>/ask</c>), so that another replica
    /// answers it should this one die first; null for a command that asks none.
    /// </summary>
    Advisor.Core.Coordination.InFlightClaim? TakeIn(InteractionContext context, InteractionReply reply) => null;

    IReadOnlyList<AutocompleteChoice> Autocomplete(InteractionContext context, string option, string value);
}

internal sealed record CommandDefinition
{
    public required string Name { get; init; }

    public int Type { get; init; } = 1;

    public required string Description { get; init; }

    public IReadOnlyList<CommandOption>? Options { get; init; }

    public string? DefaultMemberPermissions { get; init; }

    /// <summary>Where it can be installed: 0 guild install, 1 user install (global commands only).</summary>
    public IReadOnlyList<int>? IntegrationTypes { get; init; } = [0, 1];

    /// <summary>Where it can be used: 0 guild, 1 the bot's DM, 2 private channels (through a user install).</summary>
    public IReadOnlyList<int>? Contexts { get; init; } = [0, 1, 2];
}

internal sealed record CommandOption(string Name, string Description, int Type, bool Required = false, bool? Autocomplete = null, int? MaxLength = null);
