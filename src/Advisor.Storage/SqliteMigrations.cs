namespace Advisor.Storage;

/// <summary>The SQLite schema, as numbered migrations. Times are Unix milliseconds (UTC); lists are JSON arrays.</summary>
internal static class SqliteMigrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "conversations, turns and the question log",
        [
            """
            CREATE TABLE conversations (
                conversation_key TEXT PRIMARY KEY,
                last_active_at   INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE turns (
                seq               INTEGER PRIMARY KEY AUTOINCREMENT,
                turn_id           TEXT NOT NULL UNIQUE,
                conversation_key  TEXT NOT NULL,
                at                INTEGER NOT NULL,
                user_hash         TEXT NULL,
                question          TEXT NOT NULL,
                kind              TEXT NOT NULL,
                abstained         INTEGER NOT NULL,
                uncovered         TEXT NULL,
                roles             TEXT NOT NULL,
                aspect            TEXT NULL,
                section_ids       TEXT NOT NULL,
                answer_text       TEXT NULL,
                knowledge_version TEXT NOT NULL,
                composer          TEXT NOT NULL
            )
            """,
            "CREATE INDEX turns_by_conversation ON turns (conversation_key, seq)",
            "CREATE INDEX turns_by_user ON turns (user_hash)",
            "CREATE INDEX turns_by_time ON turns (at)",
            """
            CREATE TABLE question_log (
                turn_id           TEXT PRIMARY KEY,
                at                INTEGER NOT NULL,
                platform          TEXT NOT NULL,
                user_hash         TEXT NULL,
                question          TEXT NOT NULL,
                outcome           TEXT NOT NULL CHECK (outcome IN ('answered', 'abstained')),
                kind              TEXT NOT NULL,
                reason            TEXT NULL,
                section_ids       TEXT NOT NULL,
                knowledge_version TEXT NOT NULL,
                latency_ms        REAL NOT NULL,
                feedback          TEXT NULL CHECK (feedback IN ('up', 'down')),
                feedback_text     TEXT NULL,
                feedback_at       INTEGER NULL
            )
            """,
            "CREATE INDEX question_log_by_user ON question_log (user_hash)",
            "CREATE INDEX question_log_by_time ON question_log (at)",
        ]),
        new(2, "one-time sends (weekly digest, reload notices) and conversations by activity",
        [
            """
            CREATE TABLE send_claims (
                name          TEXT PRIMARY KEY,
                owner         TEXT NOT NULL,
                claimed_until INTEGER NOT NULL,
                created_at    INTEGER NOT NULL,
                completed_at  INTEGER NULL
            )
            """,
            "CREATE INDEX send_claims_by_time ON send_claims (created_at)",
            "CREATE INDEX conversations_by_activity ON conversations (last_active_at)",
        ]),
    ];
}
