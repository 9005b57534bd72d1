using Microsoft.Extensions.Logging;

namespace Advisor.Core.Hosting;

/// <summary>What one attempt to post a reply tells about whether it arrived.</summary>
public enum SendResult
{
    /// <summary>The platform confirmed it.</summary>
    Delivered,

    /// <summary>It certainly did not arrive (refused before it was accepted: a 4xx, a 429, no connection): may be sent again.</summary>
    NotDelivered,

    /// <summary>It may or may not have arrived (a 5xx, a timeout, a connection lost after sending): ask before sending again.</summary>
    Unknown,
}

/// <summary>How <see cref="Delivery"/> retries.</summary>
/// <param name="Attempts">Sends at most this many times.</param>
/// <param name="Backoff">Wait before the second attempt; doubled for each further one, up to <paramref name="MaxBackoff"/>.</param>
/// <param name="MaxBackoff">The longest wait between two attempts (default 30 s).</param>
public sealed record DeliveryOptions(int Attempts = 3, TimeSpan? Backoff = null, TimeSpan? MaxBackoff = null)
{
    public TimeSpan FirstBackoff => Backoff ?? TimeSpan.FromSeconds(1);

    public TimeSpan LongestBackoff => MaxBackoff ?? TimeSpan.FromSeconds(30);
}

/// <summary>
/// The one delivery policy of every platform: nothing lost and nothing doubled. A post is sent again only when it
/// certainly did not arrive, or when the platform, asked, says it did not (an attempt with an unknown outcome is never
/// repeated blindly). Where the platform cannot be asked, an unknown outcome is not repeated: a rare lost reply is
/// logged, a doubled one would be seen by everyone.
/// </summary>
public static partial class Delivery
{
    /// <param name="send">One attempt (numbered from 1).</param>
    /// <param name="arrived">
    /// After an <see cref="SendResult.Unknown"/> outcome: whether the post is on the platform (true), certainly not
    /// (false), or cannot be told (null). Platforms that deduplicate retries themselves (a Discord message nonce) can
    /// answer false.
    /// </param>
    /// <returns>True when the reply is known to have arrived.</returns>
    public static async Task<bool> DeliverAsync(
        Func<int, CancellationToken, Task<SendResult>> send,
        Func<CancellationToken, Task<bool?>> arrived,
        DeliveryOptions options,
        TimeProvider time,
        ILogger logger,
        string what,
        CancellationToken cancellationToken)
    {
        var backoff = options.FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            var result = await send(attempt, cancellationToken).ConfigureAwait(false);
            if (result == SendResult.Delivered)
            {
                return true;
            }

            if (result == SendResult.Unknown)
            {
                bool? there;
                try
                {
                    there = await arrived(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
                {
                    there = null;
                }

                if (there == true)
                {
                    Log.ArrivedAfterAll(logger, what, attempt);
                    return true;
                }

                if (there is null)
                {
                    Log.NotRepeated(logger, what, attempt);
                    return false;
                }
            }

            if (attempt >= options.Attempts)
            {
                Log.GaveUp(logger, what, attempt);
                return false;
            }

            await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.LongestBackoff.Ticks));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(70, LogLevel.Information, "Delivery of {What}: attempt {Attempt} had no clear answer, but the platform has it")]
        public static partial void ArrivedAfterAll(ILogger logger, string what, int attempt);

        [LoggerMessage(71, LogLevel.Warning, "Delivery of {What}: attempt {Attempt} had no clear answer and the platform cannot be asked; not sent again, so it is not doubled (it may be lost)")]
        public static partial void NotRepeated(ILogger logger, string what, int attempt);

        [LoggerMessage(72, LogLevel.Warning, "Delivery of {What} failed after {Attempt} attempts; the reply is lost")]
        public static partial void GaveUp(ILogger logger, string what, int attempt);
    }
}
