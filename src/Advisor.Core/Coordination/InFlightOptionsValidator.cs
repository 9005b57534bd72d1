using Microsoft.Extensions.Options;

namespace Advisor.Core.Coordination;

/// <summary>Checks "Advisor:InFlight" beyond the ranges: a sweep must come round within a lease.</summary>
internal sealed class InFlightOptionsValidator : IValidateOptions<InFlightOptions>
{
    public ValidateOptionsResult Validate(string? name, InFlightOptions options) =>
        options.SweepMilliseconds >= options.LeaseMilliseconds
            ? ValidateOptionsResult.Fail(
                $"{InFlightOptions.SectionName}:SweepMilliseconds ({options.SweepMilliseconds}) must be less than {InFlightOptions.SectionName}:LeaseMilliseconds ({options.LeaseMilliseconds})")
            : ValidateOptionsResult.Success;
}
