namespace Advisor.Storage;

/// <summary>One numbered schema change; applied once, in a transaction, in order of <see cref="Version"/>.</summary>
/// <param name="Version">1, 2, 3, … (never reused, never edited once released).</param>
/// <param name="Description">What it changes, for logs and errors.</param>
/// <param name="Statements">The SQL statements, run in order.</param>
internal sealed record Migration(int Version, string Description, IReadOnlyList<string> Statements);
