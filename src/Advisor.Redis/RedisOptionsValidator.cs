using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Advisor.Redis;

/// <summary>Checks "Advisor:Redis" at start-up; each failure names the setting and never echoes a password.</summary>
internal sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{RedisOptions.SectionName}:ConnectionString must be set (host:port, e.g. localhost:6379) when {RedisOptions.SectionName} is configured");
        }
        else if (Parse(options.ConnectionString) is { } problem)
        {
            failures.Add($"{RedisOptions.SectionName}:ConnectionString is not a valid Redis connection string ({problem})");
        }

        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Length > RedisOptions.MaxKeyPrefixLength || options.KeyPrefix.Any(char.IsWhiteSpace))
        {
            failures.Add($"{RedisOptions.SectionName}:KeyPrefix must be 1–{RedisOptions.MaxKeyPrefixLength} characters without spaces (default advisor:)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>What is wrong with a connection string, or null.</summary>
    internal static string? Parse(string connectionString)
    {
        try
        {
            var parsed = ConfigurationOptions.Parse(connectionString);
            return parsed.EndPoints.Count == 0 ? "it names no host:port" : null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            // The client's message names the bad keyword or value, not the password.
            return ex.Message;
        }
    }
}
