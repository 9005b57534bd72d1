using System.ComponentModel.DataAnnotations;

namespace Advisor.Storage;

/// <summary>Settings under "Advisor:Data": where conversations, feedback and the question log are kept, and for how long.</summary>
public sealed class DataOptions
{
    public const string SectionName = "Advisor:Data";

    /// <summary>The SQLite database file's name inside <see cref="Folder"/>.</summary>
    public const string DatabaseFileName = "advisor.db";

    /// <summary>The generated salt's file name inside <see cref="Folder"/>.</summary>
    public const string SaltFileName = "user-hash.salt";

    /// <summary>
    /// The data folder (default "data", relative to the current directory): the SQLite database <c>advisor.db</c> and,
    /// when <see cref="UserHashSalt"/> is not set, the generated salt <c>user-hash.salt</c>. Used with PostgreSQL too (for the salt).
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Advisor:Data:Folder must name a folder (default: data).")]
    public string Folder { get; set; } = "data";

    /// <summary>A PostgreSQL connection string (Npgsql format); when set, PostgreSQL is used instead of SQLite.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// Days the question log (and any turn) is kept, 1–3650; older entries are deleted at start-up and daily (default 90).
    /// (Checked by <see cref="DataOptionsValidator"/>: the generated range check drops a custom message.)
    /// </summary>
    public int RetentionDays { get; set; } = 90;

    internal const int MaxRetentionDays = 3650;

    /// <summary>
    /// The secret salt of user hashes (at least 16 characters). When unset, a random salt is generated once and kept in
    /// <c>{Folder}/user-hash.salt</c>. Losing or changing it makes <c>advisor forget</c> unable to find older entries.
    /// </summary>
    [MinLength(UserHashSaltMinLength, ErrorMessage = "Advisor:Data:UserHashSalt must be at least 16 characters (or unset: a random salt is kept in the data folder).")]
    public string? UserHashSalt { get; set; }

    internal const int UserHashSaltMinLength = 16;

    /// <summary>True when PostgreSQL is configured.</summary>
    public bool UsesPostgres => !string.IsNullOrWhiteSpace(PostgresConnectionString);

    /// <summary>The SQLite database file.</summary>
    public string DatabasePath => Path.Combine(Folder, DatabaseFileName);

    /// <summary>The generated salt's file.</summary>
    public string SaltPath => Path.Combine(Folder, SaltFileName);
}
