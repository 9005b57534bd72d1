using Advisor.Core.Semantic;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Advisor.Models;

/// <summary>
/// The kernel's logger factory, minus Semantic Kernel's own error log for the answer and compare prompt
/// functions: their failures are expected and handled (the composer logs one warning with the fallback
/// reason), and SK's log would print a stack trace for every timeout or 429.
/// </summary>
internal sealed class PromptFunctionLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) =>
        categoryName is PromptLibrary.Answer or PromptLibrary.Compare ? NullLogger.Instance : inner.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The inner factory belongs to the container.
    }
}
