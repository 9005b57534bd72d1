namespace Advisor.Models;

/// <summary>Why a model answer was replaced by the extractive one (the "reason" tag of advisor.model.fallbacks).</summary>
public static class FallbackReason
{
    public const string Timeout = "timeout";
    public const string RateLimited = "rate-limited";
    public const string ServerError = "server-error";
    public const string Rejected = "rejected";
    public const string Unavailable = "unavailable";
    public const string Malformed = "malformed";
    public const string Empty = "empty";
    public const string Refusal = "refusal";
    public const string Ungrounded = "ungrounded";
    public const string PromptMissing = "prompt-missing";

    internal static string Describe(string reason) => reason switch
    {
        Timeout => "it did not answer in time",
        RateLimited => "the model server is rate limiting",
        ServerError => "the model server had an error",
        Rejected => "the model server rejected the request",
        Unavailable => "the model server could not be reached",
        Malformed => "its reply could not be read",
        Empty => "its reply was empty",
        Refusal => "it declined to answer",
        PromptMissing => "the prompt template is missing",
        _ => reason,
    };
}
