using System.Diagnostics;
using System.Globalization;
using Advisor.Host.Operations;
using Advisor.LoadDriver;
using Microsoft.AspNetCore.Hosting;

// Starts the worker in-process on loopback and fires questions at a fixed rate (open loop: a slow answer does not
// slow the sending), then reports answer latency (median, p99) and the questions per second achieved.
//   dotnet run -c Release --project tests/Advisor.LoadDriver -- [--rate 200] [--seconds 10] [--users 500] [--knowledge DIR]
var options = DriverOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Advisor.LoadDriver [--rate N] [--seconds N] [--users N] [--knowledge DIR]");
    return 2;
}

var builder = AdvisorServer.CreateBuilder([], new Dictionary<string, string?>
{
    ["Advisor:KnowledgePath"] = options.Knowledge,
    ["Advisor:Model:Provider"] = "none",
    ["Advisor:Reload:WatchFiles"] = "false",
    ["Logging:LogLevel:Default"] = "Warning",
    ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
});
builder.WebHost.UseUrls("http://127.0.0.1:0");
await using var app = AdvisorServer.Build(builder);
await app.StartAsync();
var baseAddress = new Uri(app.Urls.First());

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

await using IQuestionSender sender = new AdapterPathSender(app.Services, options.Users);

// Warm-up: JIT, Lucene caches. Not measured.
for (var i = 0; i < 300; i++)
{
    await sender.SendAsync(-1 - i, questions[i % questions.Length], CancellationToken.None);
}

using var http = new HttpClient { BaseAddress = baseAddress };
var countedBefore = await CountedAsync(http);
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
            await sender.SendAsync(n, questions[n % questions.Length], CancellationToken.None);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref failures);
        }

        var end = clock.Elapsed.TotalMilliseconds;
        serviceMs[n] = end - start;
        lateMs[n] = end - due;
    });
}

await Task.WhenAll(tasks);
var elapsed = clock.Elapsed.TotalSeconds;

var counted = await CountedAsync(http) - countedBefore;

Array.Sort(serviceMs);
Array.Sort(lateMs);
static double Pct(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

var limited = sender is AdapterPathSender a ? a.RateLimited : 0;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sender: {sender.Name}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target: {options.Rate}/s for {options.Seconds} s = {total} questions, {options.Users} users"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"answered: {total - failures - limited}, rate-limited: {limited}, failed: {failures}, counted by /metrics: {counted}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"achieved: {total / elapsed:0.0} questions/s over {elapsed:0.00} s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bot time (send → answer): median {Pct(serviceMs, 0.50):0.00} ms, p90 {Pct(serviceMs, 0.90):0.00} ms, p99 {Pct(serviceMs, 0.99):0.00} ms, max {serviceMs[^1]:0.00} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"from schedule (incl. driver lag): median {Pct(lateMs, 0.50):0.00} ms, p99 {Pct(lateMs, 0.99):0.00} ms"));
await app.StopAsync();
return failures == 0 ? 0 : 1;

// Questions the worker itself counted (advisor_questions_total for platform "load"), read from /metrics.
static async Task<double> CountedAsync(HttpClient http) => (await http.GetStringAsync("/metrics")).Split('\n')
    .Where(l => l.StartsWith("advisor_questions_total{", StringComparison.Ordinal) && l.Contains("platform=\"load\"", StringComparison.Ordinal))
    .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

internal sealed record DriverOptions(int Rate, int Seconds, int Users, string Knowledge)
{
    public static DriverOptions? Parse(string[] args)
    {
        var rate = 200;
        var seconds = 10;
        var users = 500;
        string? knowledge = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--rate" when int.TryParse(args[i + 1], out var r) && r > 0: rate = r; break;
                case "--seconds" when int.TryParse(args[i + 1], out var s) && s > 0: seconds = s; break;
                case "--users" when int.TryParse(args[i + 1], out var u) && u > 0: users = u; break;
                case "--knowledge": knowledge = args[i + 1]; break;
                default: return null;
            }
        }

        if (args.Length % 2 != 0)
        {
            return null;
        }

        return new DriverOptions(rate, seconds, users, knowledge ?? FindKnowledge());
    }

    private static string FindKnowledge()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Advisor.sln")))
            {
                return Path.Combine(dir.FullName, "knowledge");
            }
        }

        return "knowledge";
    }
}
