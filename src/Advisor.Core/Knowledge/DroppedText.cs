namespace Advisor.Core.Knowledge;

/// <summary>
/// Text of a plain-text knowledge file that the page-clutter rules left out of the article (a job ad, a
/// table-of-contents line, a repeat of the title, the page footer), and the rule that left it out.
/// </summary>
/// <param name="Line">First line dropped, 1-based, counted in the file as written (front matter included).</param>
/// <param name="EndLine">Last line dropped (the same as <paramref name="Line"/> for a single line).</param>
/// <param name="Text">The dropped text for display: its lines trimmed, joined with " · ", shortened.</param>
/// <param name="Reason">The rule that dropped it, e.g. "job ad", "table of contents", "repeated title", "page footer".</param>
public sealed record DroppedText(int Line, int EndLine, string Text, string Reason)
{
    /// <summary>"line 5" or "lines 127–132".</summary>
    public string Lines => EndLine == Line ? $"line {Line}" : $"lines {Line}–{EndLine}";

    public override string ToString() => $"{Lines}: {Reason}: {Text}";
}
