namespace Advisor.Core.Conversations;

/// <summary>
/// The state of conversations that must survive a restart: the recent turns of each conversation (so a follow-up in a
/// thread keeps its subject), which conversations the bot takes part in, and the question log (one entry per turn, with
/// feedback). A turn is appended after its reply was delivered. User ids are never given to the store: only a salted
/// hash (<see cref="UserHasher"/>). Implementations are thread-safe.
/// </summary>
/// <remarks>
/// Bounds come from <see cref="ConversationOptions"/>: at most <see cref="ConversationOptions.MaxTurns"/> recent turns are
/// returned (and kept) per conversation, and a conversation idle longer than <see cref="ConversationOptions.IdleMinutes"/>
/// is forgotten (no history, <see cref="KnowsAsync"/> false; its next turn starts afresh). The question log is not
/// bounded by these: it is kept until <see cref="PurgeAsync"/> removes it (the retention setting). The store also
/// remembers one-time sends (<see cref="ClaimSendAsync"/>): which week's digest went out, which conversations were told
/// of a reload — so a restart or a second replica on the same database does not send them again.
/// </remarks>
public interface IConversationStore
{
    /// <summary>The recent turns of a conversation, oldest first; empty when the conversation is unknown or idle too long.</summary>
    Task<IReadOnlyList<StoredTurn>> RecentTurnsAsync(string conversationKey, CancellationToken cancellationToken = default);

    /// <summary>True when the bot took part in this conversation recently (so a follow-up needs no mention).</summary>
    Task<bool> KnowsAsync(string conversationKey, CancellationToken cancellationToken = default);

    /// <summary>Marks a conversation as one the bot takes part in, with no turn yet (or keeps it from going idle).</summary>
    Task TouchAsync(string conversationKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a delivered turn: its place in the conversation's history and its question log entry, together.
    /// Returns the turn's id (<see cref="TurnRecord.Id"/> when given, else a new one), which feedback refers to.
    /// </summary>
    Task<TurnId> AppendTurnAsync(TurnRecord turn, CancellationToken cancellationToken = default);

    /// <summary>Records feedback on a turn; the last feedback replaces any earlier one. False when the turn is not (or no longer) kept.</summary>
    Task<bool> RecordFeedbackAsync(TurnId turn, TurnFeedback feedback, CancellationToken cancellationToken = default);

    /// <summary>Question log entries, newest first.</summary>
    Task<IReadOnlyList<QuestionLogEntry>> ReadLogAsync(QuestionLogQuery query, CancellationToken cancellationToken = default);

    /// <summary>Deletes every question log entry and conversation turn of one user (by the user's hash).</summary>
    Task<ForgetResult> ForgetUserAsync(string userHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes question log entries and turns older than <paramref name="olderThan"/>, and conversations (with their
    /// turns) idle longer than <see cref="ConversationOptions.IdleMinutes"/> or last active before <paramref name="olderThan"/>.
    /// </summary>
    Task<PurgeResult> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default);

    /// <summary>
    /// The conversations, active within <see cref="ConversationOptions.IdleMinutes"/>, whose last kept turn cited any of
    /// <paramref name="sectionIds"/> and was answered by a knowledge version other than <paramref name="currentVersion"/>
    /// (a turn the new version answered needs no notice) — the most recently active first, at most
    /// <paramref name="limit"/>, with how many there are in all.
    /// </summary>
    Task<CitingConversations> FindLastCitingAsync(IReadOnlyCollection<string> sectionIds, string currentVersion, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the one-time send <paramref name="name"/> (a week's digest to a channel, a reload's notice to a
    /// conversation) for <paramref name="owner"/> for <paramref name="ttl"/>: <see cref="SendClaim.Claimed"/> when it was
    /// never sent and nobody else holds an unexpired claim on it; <see cref="SendClaim.AlreadySent"/> once
    /// <see cref="CompleteSendAsync"/> marked it; <see cref="SendClaim.Held"/> while another owner's claim lasts.
    /// Atomic, so two replicas on one database never both get <see cref="SendClaim.Claimed"/>.
    /// </summary>
    Task<SendClaim> ClaimSendAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Marks the send <paramref name="name"/> done: every later claim gets <see cref="SendClaim.AlreadySent"/>.</summary>
    Task CompleteSendAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Gives back <paramref name="owner"/>'s claim on a send that did not go out, so it can be claimed (tried) again.</summary>
    Task ReleaseSendAsync(string name, string owner, CancellationToken cancellationToken = default);

    /// <summary>True when the send <paramref name="name"/> was marked done.</summary>
    Task<bool> WasSentAsync(string name, CancellationToken cancellationToken = default);
}
