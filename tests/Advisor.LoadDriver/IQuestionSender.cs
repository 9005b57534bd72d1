namespace Advisor.LoadDriver;

/// <summary>
/// One way of putting a question to the worker and waiting for its answer to be delivered.
/// The in-process sender drives IAdvisor as an adapter does; platform emulator senders (Slack, Discord) plug in here.
/// </summary>
internal interface IQuestionSender : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Sends question number <paramref name="sequence"/> and completes when its answer has arrived.</summary>
    Task SendAsync(int sequence, string question, CancellationToken cancellationToken);
}
