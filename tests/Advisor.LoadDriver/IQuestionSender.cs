namespace Advisor.LoadDriver;

/// <summary>
/// One way of putting a question to the worker and waiting for its answer to be delivered: in-process through the
/// adapter path, or through the Slack / Discord emulators and the real adapters.
/// </summary>
internal interface IQuestionSender : IAsyncDisposable
{
    string Name { get; }

    /// <summary>
    /// Sends question number <paramref name="sequence"/> (negative for untimed warm-up questions) and completes when
    /// its answer has arrived, with the bot's own time for it in milliseconds as this sender measures it, or NaN when
    /// the question was refused without an answer being composed (the per-user rate limit): not part of the latency figures.
    /// </summary>
    Task<double> SendAsync(int sequence, string question, CancellationToken cancellationToken);
}
