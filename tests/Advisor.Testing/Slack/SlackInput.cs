namespace Advisor.Testing.Slack;

/// <summary>
/// What a user entered in one input of a modal, for <see cref="SlackEmulator.ViewSubmission"/>: the input block's
/// block_id, its element's action_id, and the value (typed text, or the chosen option's value for a select).
/// </summary>
public sealed record SlackInput(string BlockId, string ActionId, string Value);
