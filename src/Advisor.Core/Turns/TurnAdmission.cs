namespace Advisor.Core.Turns;

/// <summary>What <see cref="TurnPipeline.Admit"/> decided about a message.</summary>
/// <param name="Status">Taken on, a repeat, or refused.</param>
/// <param name="Notice">For a refusal: what to tell the asker, or null when nothing is said (a chat message over the limit after the first notice of the window).</param>
public readonly record struct TurnAdmission(AdmissionStatus Status, TurnNotice? Notice = null)
{
    /// <summary>True when the message is to be answered.</summary>
    public bool Accepted => Status == AdmissionStatus.Accepted;
}
