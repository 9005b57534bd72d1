using System.Text;
using Advisor.Core.Answers;

namespace Advisor.Models;

/// <summary>
/// The model's raw text as it streams in, and what the reader may see of it. Each chunk costs only the text not
/// shown yet: shown text ends at whitespace outside any citation marker or mention (<see cref="Grounding.SettledLength"/>),
/// so it never changes when more arrives — no marker is ever shown, and a mention is always neutralized whole.
/// </summary>
internal sealed class StreamedText
{
    private readonly StringBuilder _raw = new();
    private int _shown; // _raw[.._shown] has been passed on

    /// <summary>Everything received so far.</summary>
    public string Raw => _raw.ToString();

    /// <summary>Adds a chunk; returns the text the reader may see now (may be empty).</summary>
    public string Add(string chunk)
    {
        _raw.Append(chunk);
        var pending = _raw.ToString(_shown, _raw.Length - _shown);
        var cut = Grounding.SettledLength(pending);
        if (cut == 0)
        {
            return "";
        }

        _shown += cut;
        return MentionGuard.Neutralize(Grounding.StripMarkers(pending[..cut]));
    }
}
