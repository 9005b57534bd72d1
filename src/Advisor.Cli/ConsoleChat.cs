using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;

namespace Advisor.Cli;

/// <summary>An interactive console conversation on the same pipeline as the chat platforms.</summary>
internal sealed class ConsoleChat(IAdvisor advisor, TextReader input, TextWriter output)
{
    private const int MaxTurns = 6;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var history = new List<ConversationTurn>();
        await output.WriteLineAsync($"Advisor console — {advisor.Knowledge.Sections.Count} sections about {string.Join(", ", advisor.Roles().Select(r => r.Name))}.").ConfigureAwait(false);
        await output.WriteLineAsync("Ask a question; follow-ups keep context. Commands: /compare A vs B [aspect], /roles, /reload, /new, /quit.").ConfigureAwait(false);
        while (!ct.IsCancellationRequested)
        {
            await output.WriteAsync("> ").ConfigureAwait(false);
            await output.FlushAsync(ct).ConfigureAwait(false);
            var line = await input.ReadLineAsync(ct).ConfigureAwait(false);
            if (line is null || line.Trim() is "/quit" or "/exit")
            {
                break;
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line == "/new")
            {
                history.Clear();
                await output.WriteLineAsync("(new conversation)").ConfigureAwait(false);
                continue;
            }

            if (line == "/roles")
            {
                await output.WriteLineAsync(TextRendering.Roles(advisor.Roles())).ConfigureAwait(false);
                continue;
            }

            if (line == "/reload")
            {
                await output.WriteLineAsync((await advisor.ReloadAsync(ct).ConfigureAwait(false)).Summary()).ConfigureAwait(false);
                continue;
            }

            if (line.StartsWith("/compare", StringComparison.OrdinalIgnoreCase))
            {
                var request = line["/compare".Length..];
                if (!CompareRequest.TryParse(request, out var a, out var b, out var aspect))
                {
                    await output.WriteLineAsync("Usage: /compare AI Architect vs AI Scientist [skills]").ConfigureAwait(false);
                    continue;
                }

                var outcome = advisor.Compare(a, b, aspect);
                await output.WriteLineAsync(outcome.Succeeded ? TextRendering.Comparison(outcome.Comparison!) : outcome.Error).ConfigureAwait(false);
                continue;
            }

            if (QuestionValidation.Problem(line) is { } problem)
            {
                await output.WriteLineAsync(problem).ConfigureAwait(false);
                continue;
            }

            var answer = await advisor.AskAsync(new AdvisorQuestion(line, history.ToArray(), "console"), ct).ConfigureAwait(false);
            history.Add(new ConversationTurn(line, answer));
            if (history.Count > MaxTurns)
            {
                history.RemoveAt(0);
            }

            await output.WriteLineAsync(TextRendering.Answer(answer)).ConfigureAwait(false);
        }

        return CliApp.Ok;
    }
}
