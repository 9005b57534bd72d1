namespace Advisor.Core.Hosting;

/// <summary>Runs the doctor checks of every platform and prints one line per check; 0 when none failed, 1 otherwise.</summary>
public static class DoctorReport
{
    public static async Task<int> RunAsync(IEnumerable<IDoctorCheck> checks, DoctorContext context, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checks);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(output);
        var failed = 0;
        var configured = 0;
        foreach (var check in checks)
        {
            if (!check.IsConfigured(context.Configuration))
            {
                await output.WriteLineAsync($"{check.Platform}: not configured").ConfigureAwait(false);
                continue;
            }

            configured++;
            await output.WriteLineAsync(check.Platform).ConfigureAwait(false);
            foreach (var result in await check.RunAsync(context, cancellationToken).ConfigureAwait(false))
            {
                failed += result.Outcome == DoctorOutcome.Failed ? 1 : 0;
                await output.WriteLineAsync("  " + result).ConfigureAwait(false);
            }
        }

        if (configured == 0)
        {
            await output.WriteLineAsync("No platform is configured: set Advisor:Slack:BotToken or Advisor:Discord:Token to check one.").ConfigureAwait(false);
            return 0;
        }

        await output.WriteLineAsync(failed == 0 ? "All checks passed." : $"{failed} check{(failed == 1 ? "" : "s")} failed.").ConfigureAwait(false);
        return failed == 0 ? 0 : 1;
    }
}
