using System.Globalization;
using Advisor.Core;
using Advisor.Core.Comparison;
using Advisor.Core.Conversations;
using Advisor.Core.Turns;

namespace Advisor.Cli;

/// <summary>
/// An interactive console conversation on the same turn pipeline as the chat platforms: each line is an
/// <see cref="IncomingMessage"/> of the "cli" platform, answered through a <see cref="ConsoleReply"/>. The console's
/// commands (/compare, /roles, /reload, /new, /quit) are handled here, and so are the console's forms of the platforms'
/// buttons: a number asks one of the answer's suggested follow-ups, /good and /bad [what was missing] rate it. Follow-ups
/// keep context for the session: the pipeline it is given keeps its turns (and ratings) in memory only.
/// </summary>
internal sealed class ConsoleChat(IAdvisor advisor, TurnPipeline pipeline, TimeProvider time, TextReader input, TextWriter output)
{
    /// <summary>The console's platform name.</summary>
    public const string Platform = "cli";

    private const string User = "console";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var reply = new ConsoleReply(output);
        var conversation = 1;
        var line = 0;
        await output.WriteLineAsync($"Advisor console — {advisor.Knowledge.Sections.Count} sections about {string.Join(", ", advisor.Roles().Select(r => r.Name))}.").ConfigureAwait(false);
        await output.WriteLineAsync("Ask a question; follow-ups keep context. Commands: /compare A vs B [aspect], /roles, /reload, /new, /good, /bad [what was missing], /quit.").ConfigureAwait(false);
        while (!ct.IsCancellationRequested)
        {
            await output.WriteAsync("> ").ConfigureAwait(false);
            await output.FlushAsync(ct).ConfigureAwait(false);
            var text = await input.ReadLineAsync(ct).ConfigureAwait(false);
            if (text is null || text.Trim() is "/quit" or "/exit")
            {
                break;
            }

            text = text.Trim();
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            if (text.Length == 1 && char.IsAsciiDigit(text[0]) && reply.Last is { } last)
            {
                var index = text[0] - '1';
                if (index < 0 || index >= last.FollowUps.Count)
                {
                    await output.WriteLineAsync($"There are {last.FollowUps.Count} suggestions under the last answer.").ConfigureAwait(false);
                    continue;
                }

                text = last.FollowUps[index].Question;
                await output.WriteLineAsync($"> {text}").ConfigureAwait(false);
            }

            if ((text == "/good" || text.StartsWith("/bad", StringComparison.Ordinal)) && reply.Last is { } rated)
            {
                var bad = text.StartsWith("/bad", StringComparison.Ordinal);
                var outcome = await pipeline.RecordFeedbackAsync(Platform, rated.TurnId.ToString(), bad ? FeedbackRating.Down : FeedbackRating.Up, bad ? text[4..] : null, ct).ConfigureAwait(false);
                await output.WriteLineAsync(outcome == FeedbackOutcome.Recorded ? "(thanks — noted)" : "(that answer is no longer kept)").ConfigureAwait(false);
                continue;
            }

            if (text == "/new")
            {
                conversation++;
                await output.WriteLineAsync("(new conversation)").ConfigureAwait(false);
                continue;
            }

            if (text == "/roles")
            {
                await output.WriteLineAsync(TextRendering.Roles(advisor.Roles())).ConfigureAwait(false);
                continue;
            }

            if (text == "/reload")
            {
                await output.WriteLineAsync((await advisor.ReloadAsync(ct).ConfigureAwait(false)).Summary()).ConfigureAwait(false);
                continue;
            }

            if (text.StartsWith("/compare", StringComparison.OrdinalIgnoreCase))
            {
                var request = text["/compare".Length..];
                if (!CompareRequest.TryParse(request, out var a, out var b, out var aspect))
                {
                    await output.WriteLineAsync("Usage: /compare AI Architect vs AI Scientist [skills]").ConfigureAwait(false);
                    continue;
                }

                var outcome = advisor.Compare(a, b, aspect);
                await output.WriteLineAsync(outcome.Succeeded ? TextRendering.Comparison(outcome.Comparison!) : outcome.Error).ConfigureAwait(false);
                continue;
            }

            await pipeline.HandleAsync(
                new IncomingMessage
                {
                    Platform = Platform,
                    DedupeKey = line.ToString(CultureInfo.InvariantCulture),
                    ConversationKey = string.Create(CultureInfo.InvariantCulture, $"{Platform}:chat:{conversation}"),
                    UserKey = User,
                    Text = text,
                    ReceivedAt = time.GetUtcNow(),
                },
                reply,
                ct).ConfigureAwait(false);
        }

        return CliApp.Ok;
    }
}
