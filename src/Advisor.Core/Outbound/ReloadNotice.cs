using System.Security.Cryptography;
using System.Text;

namespace Advisor.Core.Outbound;

/// <summary>
/// The notice a conversation gets when the section its last answer cited changed in a reload, composed once in the core;
/// each platform only draws it and posts it into the conversation.
/// </summary>
/// <param name="ConversationKey">Where it goes (the platform's adapter reads its own key: a thread, a direct message).</param>
/// <param name="Text">"The section this answer used was updated; ask again for the new version."</param>
/// <param name="UpdatedSections">The citation labels of the changed sections the answer used (removed sections have none).</param>
/// <param name="KnowledgeVersion">The version now served.</param>
/// <param name="Id">A short id, the same for every attempt at this notice (at most 18 characters): the platforms' dedupe key.</param>
public sealed record ReloadNotice(string ConversationKey, string Text, IReadOnlyList<string> UpdatedSections, string KnowledgeVersion, string Id)
{
    /// <summary>What every notice says.</summary>
    public const string DefaultText = "The section this answer used was updated; ask again for the new version.";

    /// <summary>The id of the notice of <paramref name="knowledgeVersion"/> to <paramref name="conversationKey"/>.</summary>
    public static string IdOf(string knowledgeVersion, string conversationKey) =>
        "rn" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(knowledgeVersion + "\n" + conversationKey)))[..16];
}
