namespace Advisor.Slack;

/// <summary>The bot's own ids from auth.test, fetched once and cached (retried on the next use if it failed).</summary>
public sealed class SlackBotIdentityProvider(SlackApiClient api)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile SlackBotIdentity? _identity;

    /// <summary>The identity when it was fetched already; null before (never waits).</summary>
    public SlackBotIdentity? Known => _identity;

    public async Task<SlackBotIdentity> GetAsync(CancellationToken cancellationToken)
    {
        if (_identity is { } known)
        {
            return known;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _identity ??= await api.AuthTestAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
