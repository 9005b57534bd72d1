namespace Advisor.Core.Answers;

/// <summary>The checks every front end applies to a question before asking the core.</summary>
public static class QuestionValidation
{
    /// <summary>A message for the user when the question cannot be asked, else null.</summary>
    public static string? Problem(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "The question is empty. Ask something like: What skills does an AI Architect need?";
        }

        var length = text.Trim().Length;
        return length > AdvisorQuestion.MaxLength
            ? $"The question is {length:N0} characters long; the limit is {AdvisorQuestion.MaxLength:N0}. Please shorten it and ask again."
            : null;
    }
}

/// <summary>A question that cannot be asked (empty, too long). The message is meant for the user.</summary>
public sealed class InvalidQuestionException(string message) : Exception(message);
