namespace Advisor.Core.Turns;

/// <summary>The decision of <see cref="TurnPipeline.Admit"/>.</summary>
public enum AdmissionStatus
{
    /// <summary>To be answered.</summary>
    Accepted,

    /// <summary>The same message was taken on before (a platform's redelivery): ignored.</summary>
    Repeat,

    /// <summary>Not answered: invalid or over the per-user limit.</summary>
    Refused,
}
