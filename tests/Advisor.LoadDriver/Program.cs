using System.Diagnostics;
using System.Globalization;
using Advisor.Host.Operations;
using Advisor.LoadDriver;
using Advisor.Testing.Discord;
using Advisor.Testing.Slack;
using Advisor.Testing;
using Microsoft.AspNetCore.Hosting;

// Starts the worker in-process on loopback and fires questions at a fixed rate (open loop: a slow answer does not
// slow the sending), then reports answer latency (median, p99) and the questions per second achieved.
// --via adapter drives IAdvisor in-process as an adapter does; slack, discord and mixed go through the loopback
// emulators (in this same process) and the real Slack Socket Mode / Discord gateway adapters of the worker.
//   dotnet run -c Release --project tests/Advisor.LoadDriver -- [--via adapter|slack|discord|mixed] [--rate 200] [--seconds 10] [--users 500] [--channels 1000] [--knowledge DIR]
if (args.FirstOrDefault() == "attack")
{
    return await Advisor.LoadDriver.Attack.AttackDriver.RunAsync(args[1..]);
}

var options = DriverOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Advisor.LoadDriver [--via adapter|slack|discord|mixed] [--rate N] [--seconds N] [--users N] [--channels N] [--knowledge DIR]");
    return 2;
}

var viaSlack = options.Via is "slack" or "mixed";
var viaDiscord = options.Via is "discord" or "mixed";
await using var slack = viaSlack ? await SlackEmulator.StartAsync() : null;
await using var discord = viaDiscord ? await DiscordEmulator.StartAsync() : null;
var settings = EmulatorSettings.For(slack, discord);
settings["Advisor:KnowledgePath"] = options.Knowledge;
settings["Advisor:Model:Provider"] = "none";
settings["Advisor:Reload:WatchFiles"] = "false";
settings["Advisor:Data:Folder"] = Path.Combine(Path.GetTempPath(), "advisor-load-" + Guid.NewGuid().ToString("N")[..12]);
settings["Logging:LogLevel:Default"] = "Warning";
settings["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning";
var builder = AdvisorServer.CreateBuilder([], settings);
builder.WebHost.UseUrls("http://127.0.0.1:0");
await using var app = AdvisorServer.Build(builder);
await app.StartAsync();
var baseAddress = new Uri(app.Urls.First());
GatewayConnection? gateway = null;
if (discord is not null)
{
    gateway = await discord.NextConnectionAsync();
    await gateway.IdentifyAsync(EmulatorSettings.DiscordBotUserId, "load-session");
}

if (slack is not null)
{
    await Eventually.TrueAsync(() => slack.OpenConnections == 1, "the Slack Socket Mode connection", 30);
}

using var http = new HttpClient { BaseAddress = baseAddress };
await Eventually.TrueAsync(
    async () =>
    {
        using var ready = await http.GetAsync("/readyz");
        return ready.IsSuccessStatusCode;
    },
    "/readyz",
    30);

string[] questions =
[
    "What skills does an AI Architect need?",
    "What does a Machine Learning Research Engineer do?",
    "Which tools does an AI Scientist use?",
    "How does AI Research differ from AI Engineering?",
    "What education does a Machine Learning Research Engineer need?",
    "What about their salary?",
    "Compare the responsibilities of an AI Architect and an ML Research Engineer",
    "What career path leads to AI Architect?",
    "What is the best pizza topping in Naples?",
    "Which programming languages should an AI Scientist know?",
];

SlackSender? slackSender = slack is null ? null : new SlackSender(slack, options.Users, options.Channels);
DiscordSender? discordSender = discord is null ? null : new DiscordSender(discord, gateway!, options.Users, options.Channels);
await using IQuestionSender sender = options.Via switch
{
    "slack" => slackSender!,
    "discord" => discordSender!,
    "mixed" => new MixedSender(slackSender!, discordSender!),
    _ => new AdapterPathSender(app.Services, options.Users),
};
string[] platforms = options.Via switch
{
    "slack" => ["slack"],
    "discord" => ["discord"],
    "mixed" => ["slack", "discord"],
    _ => ["load"],
};

// Warm-up: JIT, Lucene caches. Not measured.
for (var i = 0; i < 300; i++)
{
    await sender.SendAsync(-1 - i, questions[i % questions.Length], CancellationToken.None);
}

var countedBefore = await CountedAsync(http, platforms);
var total = options.Rate * options.Seconds;
var serviceMs = new double[total];
var lateMs = new double[total];
var failures = 0;
var tasks = new Task[total];
var clock = Stopwatch.StartNew();
var interval = 1000.0 / options.Rate;
for (var i = 0; i < total; i++)
{
    var due = i * interval;
    var wait = due - clock.Elapsed.TotalMilliseconds;
    if (wait > 1)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(wait));
    }

    var n = i;
    tasks[i] = Task.Run(async () =>
    {
        var start = clock.Elapsed.TotalMilliseconds;
        try
        {
            serviceMs[n] = await sender.SendAsync(n, questions[n % questions.Length], CancellationToken.None);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref failures);
            serviceMs[n] = double.PositiveInfinity;
        }

        var end = clock.Elapsed.TotalMilliseconds;
        lateMs[n] = end - due;
    });
}

await Task.WhenAll(tasks);
var elapsed = clock.Elapsed.TotalSeconds;

var counted = await CountedAsync(http, platforms) - countedBefore;

// Questions the rate limiter turned away (NaN from the sender) did no work: they are left out of the latency figures.
var timed = Enumerable.Range(0, total).Where(i => !double.IsNaN(serviceMs[i])).ToArray();
var answeredMs = timed.Select(i => serviceMs[i]).Order().ToArray();
var answeredLateMs = timed.Select(i => lateMs[i]).Order().ToArray();
static double Pct(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

var limited = total - timed.Length; // the warm-up's refusals are not part of the run
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sender: {sender.Name}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target: {options.Rate}/s for {options.Seconds} s = {total} questions, {options.Users} users"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"answered: {total - failures - limited}, rate-limited: {limited}, failed: {failures}, counted by /metrics: {counted}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"achieved: {total / elapsed:0.0} questions/s over {elapsed:0.00} s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, memory: {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB available to .NET"));
if (answeredMs.Length == 0)
{
    Console.WriteLine("bot time: no answer to time (every question was refused)");
}
else
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bot time (delivered → answer received, {answeredMs.Length} answers): median {Pct(answeredMs, 0.50):0.00} ms, p90 {Pct(answeredMs, 0.90):0.00} ms, p99 {Pct(answeredMs, 0.99):0.00} ms, max {answeredMs[^1]:0.00} ms"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"from schedule (incl. driver lag): median {Pct(answeredLateMs, 0.50):0.00} ms, p99 {Pct(answeredLateMs, 0.99):0.00} ms"));
}

await app.StopAsync();
return failures == 0 ? 0 : 1;

// Questions the worker itself counted (advisor_questions_total for the platforms driven), read from /metrics.
static async Task<double> CountedAsync(HttpClient http, string[] platforms) => (await http.GetStringAsync("/metrics")).Split('\n')
    .Where(l => l.StartsWith("advisor_questions_total{", StringComparison.Ordinal) && platforms.Any(p => l.Contains($"platform=\"{p}\"", StringComparison.Ordinal)))
    .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

internal sealed record DriverOptions(string Via, int Rate, int Seconds, int Users, int Channels, string Knowledge)
{
    public static DriverOptions? Parse(string[] args)
    {
        var rate = 200;
        var seconds = 10;
        var users = 500;
        var channels = 1000;
        var via = "adapter";
        string? knowledge = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--rate" when int.TryParse(args[i + 1], out var r) && r > 0: rate = r; break;
                case "--seconds" when int.TryParse(args[i + 1], out var s) && s > 0: seconds = s; break;
                case "--users" when int.TryParse(args[i + 1], out var u) && u > 0: users = u; break;
                case "--channels" when int.TryParse(args[i + 1], out var c) && c > 0: channels = c; break;
                case "--via" when args[i + 1] is "adapter" or "slack" or "discord" or "mixed": via = args[i + 1]; break;
                case "--knowledge": knowledge = args[i + 1]; break;
                default: return null;
            }
        }

        if (args.Length % 2 != 0)
        {
            return null;
        }

        return new DriverOptions(via, rate, seconds, users, channels, knowledge ?? Path.Combine(RepoPaths.RepoRoot(), "knowledge"));
    }
}
