namespace Advisor.Storage;

/// <summary>The PostgreSQL schema, as numbered migrations (tables in the connection's current schema). Lists are JSON arrays in text.</summary>
internal static class PostgresMigrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "conversations, turns and the question log",
        [
            """
            CREATE TABLE conversations (
                conversation_key text PRIMARY KEY,
                last_active_at   timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE turns (
                seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                turn_id           text NOT NULL UNIQUE,
                conversation_key  text NOT NULL,
                at                timestamptz NOT NULL,
                user_hash         text NULL,
                question          text NOT NULL,
                kind              text NOT NULL,
                abstained         boolean NOT NULL,
                uncovered         text NULL,
                roles             text NOT NULL,
                aspect            text NULL,
                section_ids       text NOT NULL,
                answer_text       text NULL,
                knowledge_version text NOT NULL,
                composer          text NOT NULL
            )
            """,
            "CREATE INDEX turns_by_conversation ON turns (conversation_key, seq)",
            "CREATE INDEX turns_by_user ON turns (user_hash)",
            "CREATE INDEX turns_by_time ON turns (at)",
            """
            CREATE TABLE question_log (
                turn_id           text PRIMARY KEY,
                at                timestamptz NOT NULL,
                platform          text NOT NULL,
                user_hash         text NULL,
                question          text NOT NULL,
                outcome           text NOT NULL CHECK (outcome IN ('answered', 'abstained')),
                kind              text NOT NULL,
                reason            text NULL,
                section_ids       text NOT NULL,
                knowledge_version text NOT NULL,
                latency_ms        double precision NOT NULL,
                feedback          text NULL CHECK (feedback IN ('up', 'down')),
                feedback_text     text NULL,
                feedback_at       timestamptz NULL
            )
            """,
            "CREATE INDEX question_log_by_user ON question_log (user_hash)",
            "CREATE INDEX question_log_by_time ON question_log (at)",
        ]),
        new(2, "one-time sends (weekly digest, reload notices) and conversations by activity",
        [
            """
            CREATE TABLE send_claims (
                name          text PRIMARY KEY,
                owner         text NOT NULL,
                claimed_until timestamptz NOT NULL,
                created_at    timestamptz NOT NULL,
                completed_at  timestamptz NULL
            )
            """,
            "CREATE INDEX send_claims_by_time ON send_claims (created_at)",
            "CREATE INDEX conversations_by_activity ON conversations (last_active_at)",
        ]),
    ];
}
