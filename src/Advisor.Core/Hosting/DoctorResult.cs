namespace Advisor.Core.Hosting;

/// <summary>How one doctor check came out.</summary>
public enum DoctorOutcome
{
    Passed,
    Failed,

    /// <summary>Not checked (not applicable to this configuration); not a failure.</summary>
    Skipped,
}

/// <summary>One doctor check: what was checked, what was found, and for a failure how to fix it.</summary>
public sealed record DoctorResult(string Check, DoctorOutcome Outcome, string Detail, string? Fix = null)
{
    public static DoctorResult Pass(string check, string detail) => new(check, DoctorOutcome.Passed, detail);

    public static DoctorResult Fail(string check, string detail, string fix) => new(check, DoctorOutcome.Failed, detail, fix);

    public static DoctorResult Skip(string check, string detail) => new(check, DoctorOutcome.Skipped, detail);

    /// <summary>The line printed for it: ✔, ✘ (with the fix) or –.</summary>
    public override string ToString() => Outcome switch
    {
        DoctorOutcome.Passed => $"✔ {Check}: {Detail}",
        DoctorOutcome.Failed => $"✘ {Check}: {Detail} — fix: {Fix}",
        _ => $"– {Check}: {Detail}",
    };
}
