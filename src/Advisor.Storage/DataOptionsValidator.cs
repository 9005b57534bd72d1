using Microsoft.Extensions.Options;
using Npgsql;

namespace Advisor.Storage;

/// <summary>The data annotations of <see cref="DataOptions"/>, checked by generated code.</summary>
[OptionsValidator]
internal sealed partial class DataOptionsAnnotationsValidator : IValidateOptions<DataOptions>;

/// <summary>The checks annotations cannot express; each failure names the setting.</summary>
internal sealed class DataOptionsValidator : IValidateOptions<DataOptions>
{
    public ValidateOptionsResult Validate(string? name, DataOptions options)
    {
        if (options.RetentionDays is < 1 or > DataOptions.MaxRetentionDays)
        {
            return ValidateOptionsResult.Fail($"{DataOptions.SectionName}:RetentionDays must be between 1 and {DataOptions.MaxRetentionDays} (it is {options.RetentionDays}; default 90)");
        }

        if (!options.UsesPostgres)
        {
            return options.PostgresConnectionString is { Length: > 0 }
                ? ValidateOptionsResult.Fail($"{DataOptions.SectionName}:PostgresConnectionString is blank (leave it unset for SQLite)")
                : ValidateOptionsResult.Success;
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString);
            return string.IsNullOrWhiteSpace(builder.Host)
                ? ValidateOptionsResult.Fail($"{DataOptions.SectionName}:PostgresConnectionString names no Host")
                : ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            // The message names the bad keyword, never the password.
            return ValidateOptionsResult.Fail($"{DataOptions.SectionName}:PostgresConnectionString is not a valid connection string ({ex.Message})");
        }
    }
}
