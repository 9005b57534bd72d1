using System.Runtime.CompilerServices;
using Advisor.Core.Answers;
using Advisor.Core.Hosting;
using Advisor.Core.Retrieval;

namespace Advisor.Host.Tests;

internal sealed class FakePlatformStatus(string platform, bool connected, string state) : IPlatformStatus
{
    public string Platform { get; } = platform;

    public bool Connected { get; set; } = connected;

    public string State { get; set; } = state;
}

/// <summary>A composer that holds every answer until the test releases it.</summary>
internal sealed class HeldComposer : IAnswerComposer
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _release.TrySetResult();

    public async IAsyncEnumerable<AnswerUpdate> ComposeStreamingAsync(AdvisorQuestion question, RetrievalResult retrieval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Entered.TrySetResult();
        await _release.Task.WaitAsync(cancellationToken);
        var answer = new Answer { Text = "held answer to: " + question.Text, Citations = [] };
        yield return new AnswerUpdate(answer.Text, answer);
    }
}

/// <summary>Keeps every log entry written through it, with the values of the scopes it was written in.</summary>
internal sealed class CollectingLoggerProvider : Microsoft.Extensions.Logging.ILoggerProvider, Microsoft.Extensions.Logging.ISupportExternalScope
{
    private Microsoft.Extensions.Logging.IExternalScopeProvider? _scopes;

    private readonly System.Collections.Concurrent.ConcurrentQueue<(Microsoft.Extensions.Logging.LogLevel Level, string Category, string Text)> _entries = new();

    public IReadOnlyCollection<(Microsoft.Extensions.Logging.LogLevel Level, string Category, string Text)> Entries => _entries;

    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(Microsoft.Extensions.Logging.IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private static string Fields(object? state) => state switch
    {
        IEnumerable<KeyValuePair<string, object?>> pairs => string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")),
        _ => "",
    };

    private sealed class Logger(CollectingLoggerProvider owner, string category) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new System.Text.StringBuilder();
            owner._scopes?.ForEachScope((scope, sb) => sb.Append(' ').Append(Fields(scope)), scopes);
            owner._entries.Enqueue((logLevel, category, $"{formatter(state, exception)} {Fields(state)}{scopes} {exception}"));
        }
    }
}
