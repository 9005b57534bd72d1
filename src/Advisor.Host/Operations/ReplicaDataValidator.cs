using Advisor.Storage;
using Microsoft.Extensions.Options;

namespace Advisor.Host.Operations;

/// <summary>
/// With <c>Advisor:Redis</c> set, Advisor runs as one of several replicas (docs/replicas.md): they must share the user
/// hash salt — a salt generated per replica (or per container start, with an ephemeral data folder) gives one person a
/// different hash on each, so the shared per-user limit counts per replica and <c>advisor forget</c> misses entries.
/// A missing salt stops start-up with the setting to add. (The conversation store should be shared too — PostgreSQL —
/// but a replica on its own SQLite only loses a thread's earlier turns when another replica answers, so that is left
/// to docs/deploy.md.)
/// </summary>
internal sealed class ReplicaDataValidator : IValidateOptions<DataOptions>
{
    public ValidateOptionsResult Validate(string? name, DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.UserHashSalt))
        {
            failures.Add("Advisor:Redis is set (several replicas), so Advisor:Data:UserHashSalt must be set to the same secret on every replica");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
