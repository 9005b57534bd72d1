namespace Advisor.Testing;

/// <summary>Polling waits for tests: robust on a loaded machine, never a timed assertion.</summary>
public static class Eventually
{
    /// <summary>Waits until the condition holds (polling), throwing <see cref="TimeoutException"/> after the timeout.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, int timeoutSeconds = 15)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var until = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("Timed out waiting for: " + what);
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until an asynchronous condition (e.g. an HTTP probe) holds, polling; <see cref="TimeoutException"/> after the timeout.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 15)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var until = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("Timed out waiting for: " + what);
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }
}
