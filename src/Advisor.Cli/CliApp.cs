using System.Text;
using System.Text.Json;
using Advisor.Core;
using Advisor.Core.Insights;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Conversations;
using Advisor.Core.Knowledge;
using Advisor.Core.Outbound;
using Advisor.Core.Turns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Cli;

/// <summary>
/// The command-line front end: <c>ask</c>, <c>ask --jsonl</c>, <c>compare</c>, <c>roles</c>, <c>chat</c>, <c>forget</c>,
/// <c>gaps</c>, <c>digest</c>.
/// Exit codes: 0 ok, 2 usage or bad input, 1 failure.
/// </summary>
public sealed class CliApp(TextReader input, TextWriter output, TextWriter error)
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;

    /// <summary>The commands this front end handles.</summary>
    public static readonly IReadOnlySet<string> Commands = new HashSet<string>(StringComparer.Ordinal) { "ask", "compare", "roles", "sections", "chat", "eval", "forget", "gaps", "digest", "help", "manifest", "doctor" };

    /// <summary>
    /// <c>advisor manifest PLATFORM</c>: what each platform prints (set by the host, which knows the adapters), by the
    /// first argument; each writes to the output and returns an exit code.
    /// </summary>
    public IReadOnlyDictionary<string, Func<IConfiguration, TextWriter, Task<int>>> Manifests { get; init; } =
        new Dictionary<string, Func<IConfiguration, TextWriter, Task<int>>>(StringComparer.Ordinal);

    /// <summary>
    /// <c>advisor doctor</c>: each platform's checks of the configuration against its live API (set by the host, which
    /// knows the adapters), run in order.
    /// </summary>
    public IReadOnlyList<Advisor.Core.Hosting.IDoctorCheck> Doctors { get; init; } = [];

    /// <summary>
    /// <c>advisor digest</c>: adds the services of the configured chat platforms (set by the host, which knows the
    /// adapters), so the digest goes out through their own senders. Nothing is started.
    /// </summary>
    public Action<IServiceCollection, IConfiguration>? AddPlatformSenders { get; init; }

    /// <summary>The platforms whose user ids <c>forget --user</c> takes.</summary>
    public static readonly IReadOnlyList<string> ForgetPlatforms = ["slack", "discord"];

    public const string UsageText = """
        Advisor — career answers about AI roles, cited from the knowledge folder.

        Usage:
          advisor ask "question" [--json] [--no-model]
          advisor ask --jsonl                 read {"id","question"} JSON lines on stdin, write one result line each
          advisor compare "Role A" "Role B" [--aspect skills] [--json]
          advisor compare "Role A vs Role B [aspect]" [--aspect skills] [--json]
                                              one argument, read as the chat's /compare reads it
          advisor roles [--json]
          advisor sections [--json]           how the knowledge files were parsed (ids and citation labels, and
                                              what was dropped from .txt files as page clutter, and why)
          advisor chat                        ask questions interactively; follow-ups keep context
          advisor eval FILE.jsonl [--json] [--min 0.95]
                                              score the answers to an eval file's questions; list the misses
          advisor forget --user slack:U0123ABCD
                                              delete what is kept of a user (question log entries and conversation
                                              turns), found by the salted hash of platform:id; also discord:<user id>
          advisor gaps [--since 7d] [--max 20] [--json]
                                              what users asked that the knowledge could not answer (roles and
                                              topics it lacks, refused questions, answers that got a thumbs-down),
                                              grouped, largest first, from the question log; nothing identifies a user
          advisor digest [--dry-run]          the weekly digest of the last seven days (counts, top gaps, the gap
                                              report's link), printed and posted now to the admin channels
                                              (Advisor:Digest:Channels); --dry-run only prints it
          advisor manifest discord            the Discord command set (bulk-overwrite JSON) and the install link
          advisor manifest slack [--http URL] print the Slack app manifest (JSON for "Create New App → From a
                                              manifest"): Socket Mode, or Request URLs under URL/slack/… with --http
          advisor doctor [--http URL]         check the configuration against the live Slack and Discord APIs: tokens,
                                              scopes, Socket Mode, registered commands, public key; with --http, that
                                              URL/healthz answers from here. One ✔/✘ line per check; exit 1 on a ✘
          advisor serve                       run the Discord and Slack connections that are configured

        Options:
          --knowledge DIR   knowledge folder (default: knowledge, or Advisor:KnowledgePath)
          --prompts DIR     prompt templates folder (default: prompts, or Advisor:PromptsPath)
          --no-model        answer extractively even when a model is configured
          --explain         with ask: show how the question was understood and how sections ranked

        Exit codes: 0 ok, 2 usage or bad input, 1 failure.
        """;

    /// <summary>Runs one command. <paramref name="configureServices"/> lets the host add logging or a model composer.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> args, IConfiguration baseConfiguration, Action<IServiceCollection, IConfiguration>? configureServices = null, CancellationToken cancellationToken = default)
    {
        var (parsed, problem) = CliArguments.Parse(args);
        if (parsed is null)
        {
            return UsageError(problem!);
        }

        if (parsed.Command is "" or "help" || parsed.Has("--help") || parsed.Has("-h"))
        {
            await output.WriteLineAsync(UsageText).ConfigureAwait(false);
            return parsed.Command is "" && !parsed.Has("--help") && !parsed.Has("-h") ? Usage : Ok;
        }

        if (!Commands.Contains(parsed.Command))
        {
            return UsageError($"unknown command '{parsed.Command}'");
        }

        if (Validate(parsed) is { } invalid)
        {
            return UsageError(invalid);
        }

        if (parsed.Command == "manifest" && parsed.Positional is [var platform] && platform != "slack")
        {
            return parsed.Positional.Count == 1 && Manifests.TryGetValue(parsed.Positional[0], out var manifest)
                ? await manifest(baseConfiguration, output).ConfigureAwait(false)
                : UsageError($"manifest takes one platform: {string.Join(", ", Manifests.Keys.Order(StringComparer.Ordinal))}");
        }

        if (parsed.Command == "doctor")
        {
            var context = new Advisor.Core.Hosting.DoctorContext(baseConfiguration, parsed.Get("--http") is { } url ? new Uri(url) : null);
            return await Advisor.Core.Hosting.DoctorReport.RunAsync(Doctors, context, output, cancellationToken).ConfigureAwait(false);
        }

        var overrides = new Dictionary<string, string?>();
        if (parsed.Get("--knowledge") is { } knowledge)
        {
            overrides[$"{AdvisorOptions.SectionName}:{nameof(AdvisorOptions.KnowledgePath)}"] = knowledge;
        }

        if (parsed.Get("--prompts") is { } prompts)
        {
            overrides[$"{AdvisorOptions.SectionName}:{nameof(AdvisorOptions.PromptsPath)}"] = prompts;
        }

        if (parsed.Has("--no-model"))
        {
            overrides["Advisor:Model:Provider"] = "none";
        }

        var configuration = new ConfigurationBuilder().AddConfiguration(baseConfiguration).AddInMemoryCollection(overrides).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddAdvisorCore(configuration);
        configureServices?.Invoke(services, configuration);

        if (parsed.Command == "digest" && !parsed.Has("--dry-run"))
        {
            AddPlatformSenders?.Invoke(services, configuration);
        }

        await using var provider = services.BuildServiceProvider();
        if (parsed.Command == "forget")
        {
            return await ForgetAsync(provider, parsed.Get("--user")!, cancellationToken).ConfigureAwait(false);
        }

        IAdvisor advisor;
        try
        {
            advisor = provider.GetRequiredService<IAdvisor>();
        }
        catch (KnowledgeLoadException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return Failure;
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync($"error: invalid settings: {string.Join("; ", ex.Failures)}").ConfigureAwait(false);
            return Failure;
        }
        catch (InvalidOperationException ex) when (ex.InnerException is KnowledgeLoadException or OptionsValidationException)
        {
            await error.WriteLineAsync($"error: {ex.InnerException.Message}").ConfigureAwait(false);
            return Failure;
        }

        foreach (var loadError in advisor.Knowledge.Errors.Concat(advisor.Knowledge.Skipped))
        {
            await error.WriteLineAsync($"warning: {loadError.File} was not loaded: {loadError.Reason}").ConfigureAwait(false);
        }

        return parsed.Command switch
        {
            "ask" when parsed.Has("--jsonl") => await AskJsonLinesAsync(advisor, cancellationToken).ConfigureAwait(false),
            "ask" => await AskAsync(advisor, string.Join(' ', parsed.Positional), parsed.Has("--json"), parsed.Has("--explain"), cancellationToken).ConfigureAwait(false),
            "compare" => await CompareAsync(advisor, parsed).ConfigureAwait(false),
            "roles" => await RolesAsync(advisor, parsed.Has("--json")).ConfigureAwait(false),
            "sections" => await SectionsAsync(advisor, parsed.Has("--json")).ConfigureAwait(false),
            "eval" => await EvalAsync(advisor, parsed).ConfigureAwait(false),
            "gaps" => await GapsAsync(provider, advisor, parsed, cancellationToken).ConfigureAwait(false),
            "digest" => await DigestAsync(provider, parsed.Has("--dry-run"), cancellationToken).ConfigureAwait(false),
            "manifest" => await ManifestAsync(advisor, configuration, parsed.Get("--http")).ConfigureAwait(false),
            "chat" => await new ConsoleChat(advisor, ConsolePipeline(provider, advisor), provider.GetRequiredService<TimeProvider>(), input, output)
                .RunAsync(cancellationToken).ConfigureAwait(false),
            _ => UsageError($"unknown command '{parsed.Command}'"),
        };
    }

    /// <summary>
    /// The turn pipeline of the console chat: the session's turns in memory only (nothing typed here goes into the
    /// question log, and the CLI opens no database), and no per-user limit (the one user is the operator).
    /// </summary>
    private static TurnPipeline ConsolePipeline(IServiceProvider provider, IAdvisor advisor)
    {
        var options = provider.GetRequiredService<IOptions<ConversationOptions>>();
        var time = provider.GetRequiredService<TimeProvider>();
        return new TurnPipeline(
            advisor,
            new InMemoryConversationStore(options, time),
            UserHasher.Ephemeral(),
            limiter: null,
            provider.GetRequiredService<AdvisorMetrics>(),
            options,
            time,
            provider.GetRequiredService<ILogger<TurnPipeline>>());
    }

    private static string? Validate(CliArguments a) => a.Command switch
    {
        "ask" when a.Has("--jsonl") && a.Positional.Count > 0 => "ask --jsonl reads questions from stdin; give no question argument",
        "ask" when a.Has("--jsonl") && a.Has("--json") => "use either --json or --jsonl",
        "ask" when !a.Has("--jsonl") && a.Positional.Count == 0 => "ask needs a question, e.g. advisor ask \"What skills does an AI Architect need?\"",
        "compare" when CompareArguments(a) is null => "compare needs two roles, e.g. advisor compare \"AI Architect\" \"AI Scientist\" [--aspect skills] or advisor compare \"AI Architect vs AI Scientist skills\"",
        "roles" or "sections" or "chat" when a.Positional.Count > 0 => $"{a.Command} takes no arguments",
        "eval" when a.Positional.Count != 1 => "eval needs one file, e.g. advisor eval questions.jsonl [--min 0.95]",
        "eval" when a.Get("--min") is { } min && !(double.TryParse(min, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var m) && m is >= 0 and <= 1) => "--min takes a share between 0 and 1, e.g. --min 0.95",
        "gaps" when a.Positional.Count > 0 => "gaps takes no arguments, e.g. advisor gaps --since 7d",
        "gaps" when a.Get("--since") is { } since && GapReport.ParseSince(since) is null => "--since takes a number of days, hours or weeks, e.g. --since 7d, 12h, 2w",
        "gaps" when a.Get("--max") is { } max && !(int.TryParse(max, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 500) => "--max takes a number of groups from 1 to 500",
        _ when a.Command != "gaps" && (a.Has("--since") || a.Has("--max")) => "--since and --max go with gaps",
        "digest" when a.Positional.Count > 0 => "digest takes no arguments, e.g. advisor digest --dry-run",
        _ when a.Command != "digest" && a.Has("--dry-run") => "--dry-run goes with digest",
        "manifest" when a.Positional is not (["slack"] or ["discord"]) => "manifest needs the platform: advisor manifest slack [--http https://advisor.example.com] or advisor manifest discord",
        "manifest" when a.Positional is ["discord"] && a.Has("--http") => "--http goes with manifest slack",
        "manifest" when a.Get("--http") is { } http && !(Uri.TryCreate(http, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps && url.Query.Length == 0)
            => "--http takes the https base URL Slack reaches the bot at, e.g. --http https://advisor.example.com",
        "doctor" when a.Positional.Count > 0 => "doctor takes no arguments, e.g. advisor doctor [--http https://advisor.example.com]",
        "doctor" when a.Get("--http") is { } http && !(Uri.TryCreate(http, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) && url.Query.Length == 0)
            => "--http takes the base URL Slack reaches the bot at, e.g. --http https://advisor.example.com",
        _ when a.Command is not ("manifest" or "doctor") && a.Has("--http") => "--http goes with manifest or doctor",
        "forget" when a.Positional.Count > 0 => "forget takes no arguments; name the user with --user platform:id",
        "forget" when a.Get("--user") is null => "forget needs --user platform:id, e.g. advisor forget --user slack:U0123ABCD",
        "forget" when !UserHasher.TryParse(a.Get("--user"), out _, out _) => "--user takes platform:id, e.g. slack:U0123ABCD or discord:80351110224678912",
        "forget" when UserHasher.TryParse(a.Get("--user"), out var platform, out _) && !ForgetPlatforms.Contains(platform) => $"unknown platform '{platform}' in --user (use {string.Join(" or ", ForgetPlatforms)})",
        _ when a.Command != "forget" && a.Has("--user") => "--user goes with forget",
        _ when a.Command != "eval" && a.Has("--min") => "--min goes with eval",
        _ when a.Command != "ask" && a.Has("--jsonl") => "--jsonl goes with ask",
        _ when a.Command != "compare" && a.Has("--aspect") => "--aspect goes with compare",
        _ => null,
    };

    /// <summary>
    /// <c>forget --user platform:id</c>: deletes the user's question log entries and conversation turns from the
    /// configured store, found by the same salted hash the bot stores, and says how many went.
    /// </summary>
    private async Task<int> GapsAsync(IServiceProvider provider, IAdvisor advisor, CliArguments parsed, CancellationToken ct)
    {
        var store = provider.GetRequiredService<IConversationStore>();
        if (store is InMemoryConversationStore)
        {
            await error.WriteLineAsync("error: no durable store is configured, so there is no question log to read (advisor serve keeps one under Advisor:Data:Folder)").ConfigureAwait(false);
            return Failure;
        }

        var since = GapReport.ParseSince(parsed.Get("--since") ?? "7d")!.Value;
        var max = parsed.Get("--max") is { } m ? int.Parse(m, System.Globalization.CultureInfo.InvariantCulture) : 20;
        IReadOnlyList<QuestionLogEntry> entries;
        try
        {
            entries = await store.ReadLogAsync(new QuestionLogQuery { Since = provider.GetRequiredService<TimeProvider>().GetUtcNow() - since, Limit = 100_000 }, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return Failure;
        }

        var gaps = GapReport.Build(entries, advisor.Knowledge, max);
        if (parsed.Has("--json"))
        {
            await WriteJsonAsync(w => JsonOutput.WriteGaps(w, entries.Count, parsed.Get("--since") ?? "7d", gaps)).ConfigureAwait(false);
            return Ok;
        }

        await output.WriteLineAsync(TextRendering.Gaps(gaps, entries.Count, parsed.Get("--since") ?? "7d")).ConfigureAwait(false);
        return Ok;
    }

    /// <summary>
    /// <c>digest [--dry-run]</c>: composes the weekly digest of the last seven days from the question log and prints it;
    /// without <c>--dry-run</c> it also posts it now to every configured admin channel (Advisor:Digest:Channels),
    /// through the platforms' own senders. A send from here is extra: the weekly schedule is not touched.
    /// </summary>
    private async Task<int> DigestAsync(IServiceProvider provider, bool dryRun, CancellationToken ct)
    {
        var store = provider.GetRequiredService<IConversationStore>();
        if (store is InMemoryConversationStore)
        {
            await error.WriteLineAsync("error: no durable store is configured, so there is no question log to read (advisor serve keeps one under Advisor:Data:Folder)").ConfigureAwait(false);
            return Failure;
        }

        DigestOptions options;
        DigestPublisher publisher;
        try
        {
            options = provider.GetRequiredService<IOptions<DigestOptions>>().Value;
            publisher = provider.GetRequiredService<DigestPublisher>();
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync($"error: invalid settings: {string.Join("; ", ex.Failures)}").ConfigureAwait(false);
            return Failure;
        }

        var now = provider.GetRequiredService<TimeProvider>().GetUtcNow();
        var week = DigestSchedule.WeekOf(now);
        var id = dryRun ? week : $"{week}-cli-{now.ToUnixTimeMilliseconds()}";
        WeeklyDigest digest;
        try
        {
            digest = await publisher.ComposeAsync(id, week, now, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return Failure;
        }

        await output.WriteLineAsync(digest.ToText()).ConfigureAwait(false);
        var targets = options.Targets;
        if (dryRun)
        {
            await error.WriteLineAsync(targets.Count == 0
                ? "dry run: not sent (no channel is set: Advisor:Digest:Channels:<platform>)"
                : $"dry run: not sent; it would go to {string.Join(", ", targets.Select(t => $"{t.Key} channel {t.Value}"))}").ConfigureAwait(false);
            return Ok;
        }

        if (targets.Count == 0)
        {
            await error.WriteLineAsync("error: not sent: no channel is set (Advisor:Digest:Channels:<platform>, e.g. Advisor:Digest:Channels:slack=C0123ABCD); --dry-run only prints it").ConfigureAwait(false);
            return Failure;
        }

        var failed = 0;
        foreach (var (platform, channel) in targets)
        {
            var result = await publisher.PostAsync(platform, channel, digest, ct).ConfigureAwait(false);
            if (result.Status == PostStatus.Sent)
            {
                await error.WriteLineAsync($"sent to {platform} channel {channel}").ConfigureAwait(false);
            }
            else
            {
                failed++;
                await error.WriteLineAsync($"error: not sent to {platform} channel {channel}: {result.Problem}").ConfigureAwait(false);
            }
        }

        return failed == 0 ? Ok : Failure;
    }

    /// <summary>
    /// <c>manifest slack [--http URL]</c>: the Slack app manifest with the configured command names
    /// (Advisor:Slack:Commands) and prompts from the knowledge's roles; no token is needed to print it.
    /// </summary>
    private async Task<int> ManifestAsync(IAdvisor advisor, IConfiguration configuration, string? http)
    {
        var names = new Advisor.Slack.SlackCommandNames();
        configuration.GetSection(Advisor.Slack.SlackOptions.SectionName).GetSection("Commands").Bind(names);
        var problems = names.Validate().Select(r => r.ErrorMessage).ToList();
        if (problems.Count > 0)
        {
            await error.WriteLineAsync($"error: invalid settings: {string.Join("; ", problems)}").ConfigureAwait(false);
            return Failure;
        }

        var manifest = Advisor.Slack.SlackManifest.Build(names, advisor.Roles(), http is null ? null : new Uri(http));
        await output.WriteLineAsync(manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
        return Ok;
    }

    private async Task<int> ForgetAsync(IServiceProvider provider, string user, CancellationToken ct)
    {
        UserHasher.TryParse(user, out var platform, out var userId);
        try
        {
            var store = provider.GetRequiredService<IConversationStore>();
            if (store is InMemoryConversationStore)
            {
                await error.WriteLineAsync("error: no durable store is configured, so nothing is kept to forget").ConfigureAwait(false);
                return Failure;
            }

            var hash = provider.GetRequiredService<UserHasher>().Hash(platform!, userId!);
            var removed = await store.ForgetUserAsync(hash, ct).ConfigureAwait(false);
            await output.WriteLineAsync($"Forgot {platform}:{userId}: removed {Count(removed.LogEntries, "question log entry", "question log entries")} and {Count(removed.Turns, "conversation turn", "conversation turns")}.").ConfigureAwait(false);
            if (removed.LogEntries == 0 && removed.Turns == 0)
            {
                await output.WriteLineAsync("Nothing is kept for this user (entries written under another user hash salt cannot be found).").ConfigureAwait(false);
            }

            return Ok;
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync($"error: invalid settings: {string.Join("; ", ex.Failures)}").ConfigureAwait(false);
            return Failure;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return Failure;
        }

        static string Count(int n, string one, string many) => $"{n} {(n == 1 ? one : many)}";
    }

    private async Task<int> AskAsync(IAdvisor advisor, string question, bool json, bool explain, CancellationToken ct)
    {
        if (QuestionValidation.Problem(question) is { } problem)
        {
            await error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
            return Usage;
        }

        if (explain)
        {
            await error.WriteLineAsync(TextRendering.Explain(Advisor.Core.Retrieval.Retriever.Retrieve(advisor.Knowledge, question.Trim(), []))).ConfigureAwait(false);
        }

        var answer = await advisor.AskAsync(new AdvisorQuestion(question, [], "cli"), ct).ConfigureAwait(false);
        if (json)
        {
            await WriteJsonAsync(w => JsonOutput.WriteAnswer(w, question, answer)).ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync(TextRendering.Answer(answer)).ConfigureAwait(false);
        }

        return Ok;
    }

    private async Task<int> AskJsonLinesAsync(IAdvisor advisor, CancellationToken ct)
    {
        // Lines are answered concurrently (one worker per core) and written in input order, each as soon as it
        // and all before it are done, so a program feeding lines one by one gets each answer right away.
        var pending = System.Threading.Channels.Channel.CreateBounded<Task<string>>(new System.Threading.Channels.BoundedChannelOptions(Environment.ProcessorCount * 16)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var writer = Task.Run(async () =>
        {
            await foreach (var result in pending.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await output.WriteLineAsync(await result.ConfigureAwait(false)).ConfigureAwait(false);
                if (pending.Reader.Count == 0)
                {
                    await output.FlushAsync(ct).ConfigureAwait(false);
                }
            }
        }, ct);

        using var workers = new SemaphoreSlim(Environment.ProcessorCount);
        try
        {
            while (await input.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                await workers.WaitAsync(ct).ConfigureAwait(false);
                var task = Task.Run(async () =>
                {
                    try
                    {
                        return await AnswerJsonLineAsync(advisor, line, ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        workers.Release();
                    }
                }, ct);
                await pending.Writer.WriteAsync(task, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            pending.Writer.Complete();
            await writer.ConfigureAwait(false);
        }

        await output.FlushAsync(ct).ConfigureAwait(false);
        return Ok;
    }

    private static async Task<string> AnswerJsonLineAsync(IAdvisor advisor, string line, CancellationToken ct)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using var writer = new Utf8JsonWriter(buffer, JsonOutput.Options);
        JsonElement? id = null;
        string? problem;
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "each line must be a JSON object like {\"id\": \"1\", \"question\": \"...\"}";
            }
            else
            {
                if (root.TryGetProperty("id", out var idValue))
                {
                    id = idValue.Clone();
                }

                problem = !root.TryGetProperty("question", out var q) || q.ValueKind != JsonValueKind.String
                    ? "the line has no \"question\" string"
                    : QuestionValidation.Problem(q.GetString());
                if (problem is null)
                {
                    var answer = await advisor.AskAsync(new AdvisorQuestion(q.GetString()!, [], "cli"), ct).ConfigureAwait(false);
                    JsonOutput.WriteJsonlAnswer(writer, id, answer);
                }
            }
        }
        catch (JsonException ex)
        {
            problem = $"the line is not valid JSON ({ex.Message.Split(" Path:")[0].TrimEnd('.')})";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One question failing must not end the stream: report it on its line and go on.
            writer.Reset();
            buffer.ResetWrittenCount();
            problem = $"the question could not be answered ({ex.Message})";
        }

        if (problem is not null)
        {
            JsonOutput.WriteJsonlError(writer, id, problem);
        }

        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// The two roles and the aspect of a <c>compare</c>: two arguments are the two roles; one argument is read as the
    /// chat's <c>/compare</c> reads it ("AI Architect vs MLRE skills"). <c>--aspect</c> wins over an aspect in the text.
    /// Null when the arguments name no two roles.
    /// </summary>
    private static (string RoleA, string RoleB, string? Aspect)? CompareArguments(CliArguments a)
    {
        switch (a.Positional.Count)
        {
            case 2:
                return (a.Positional[0], a.Positional[1], a.Get("--aspect"));
            case 1 when CompareRequest.TryParse(a.Positional[0], out var roleA, out var roleB, out var aspect):
                return (roleA, roleB, a.Get("--aspect") ?? aspect);
            default:
                return null;
        }
    }

    private async Task<int> CompareAsync(IAdvisor advisor, CliArguments a)
    {
        var (roleA, roleB, aspect) = CompareArguments(a)!.Value;
        var outcome = advisor.Compare(roleA, roleB, aspect);
        if (a.Has("--json"))
        {
            await WriteJsonAsync(w =>
            {
                if (outcome.Succeeded)
                {
                    JsonOutput.WriteComparison(w, outcome.Comparison!);
                }
                else
                {
                    JsonOutput.WriteError(w, outcome.Error!, outcome.KnownRoles, outcome.ClosestMatch);
                }
            }).ConfigureAwait(false);
        }
        else if (outcome.Succeeded)
        {
            await output.WriteLineAsync(TextRendering.Comparison(outcome.Comparison!)).ConfigureAwait(false);
        }
        else
        {
            await error.WriteLineAsync($"error: {outcome.Error}").ConfigureAwait(false);
        }

        return outcome.Succeeded ? Ok : Usage;
    }

    private async Task<int> EvalAsync(IAdvisor advisor, CliArguments a)
    {
        var path = a.Positional[0];
        if (!File.Exists(path))
        {
            await error.WriteLineAsync($"error: the eval file '{path}' does not exist").ConfigureAwait(false);
            return Usage;
        }

        var (cases, problems) = Advisor.Core.Evaluation.EvalSet.ReadFile(path);
        if (cases.Count == 0)
        {
            await error.WriteLineAsync($"error: '{path}' has no readable questions" + (problems.Count == 0 ? "" : ": " + string.Join("; ", problems.Take(5)))).ConfigureAwait(false);
            return Usage;
        }

        var card = Advisor.Core.Evaluation.Evaluator.Run(advisor.Knowledge, cases, problems);
        if (a.Has("--json"))
        {
            await WriteJsonAsync(w => JsonOutput.WriteScorecard(w, card)).ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync(card.Describe(Path.GetFileName(path))).ConfigureAwait(false);
        }

        var min = a.Get("--min") is { } text ? double.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (card.Score < min)
        {
            await error.WriteLineAsync($"error: the score {card.Score:P1} is below --min {min:P1}").ConfigureAwait(false);
            return Failure;
        }

        return Ok;
    }

    private async Task<int> RolesAsync(IAdvisor advisor, bool json)
    {
        var roles = advisor.Roles();
        if (json)
        {
            await WriteJsonAsync(w => JsonOutput.WriteRoles(w, roles)).ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync(TextRendering.Roles(roles)).ConfigureAwait(false);
        }

        return Ok;
    }

    private async Task<int> SectionsAsync(IAdvisor advisor, bool json)
    {
        var articles = advisor.Knowledge.Articles;
        if (json)
        {
            var sections = articles.SelectMany(a => a.Sections).Select(s => new { s.Id, label = s.Label, s.Aspect, s.Units });
            var dropped = articles.SelectMany(a => a.Dropped.Select(d => new { file = a.File, line = d.Line, endLine = d.EndLine, reason = d.Reason, text = d.Text }));
            await output.WriteLineAsync(JsonSerializer.Serialize(new { sections, dropped }, new JsonSerializerOptions { Encoder = JsonOutput.Options.Encoder, WriteIndented = true })).ConfigureAwait(false);
            return Ok;
        }

        foreach (var article in articles)
        {
            foreach (var s in article.Sections)
            {
                await output.WriteLineAsync($"{s.Id}\n    {s.Label}  [{s.Aspect ?? "-"}; {s.Units.Count} {(s.IsList ? "items" : "sentences")}]").ConfigureAwait(false);
            }

            if (article.Dropped.Count > 0)
            {
                // Page-clutter rules apply to .txt files only; say what they left out so nothing goes silently.
                await output.WriteLineAsync($"-- {article.File}: dropped as page clutter").ConfigureAwait(false);
                foreach (var d in article.Dropped)
                {
                    await output.WriteLineAsync($"    {d.Lines} ({d.Reason}): {d.Text}").ConfigureAwait(false);
                }
            }
        }

        return Ok;
    }

    private async Task WriteJsonAsync(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.Options with { Indented = true }))
        {
            write(writer);
        }

        await output.WriteLineAsync(Encoding.UTF8.GetString(buffer.WrittenSpan)).ConfigureAwait(false);
    }

    private int UsageError(string message)
    {
        error.WriteLine($"error: {message}");
        error.WriteLine("Run 'advisor help' for usage.");
        return Usage;
    }
}
