using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Advisor.Discord.Interactions;

/// <summary>Ed25519 (RFC 8032) verification via BouncyCastle; the .NET 10 BCL has no standalone Ed25519.</summary>
internal static class Ed25519Verifier
{
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != 32 || signature.Length != 64)
        {
            return false;
        }

        try
        {
            var signer = new Ed25519Signer();
            signer.Init(false, new Ed25519PublicKeyParameters(publicKey));
            signer.BlockUpdate(message);
            return signer.VerifySignature(signature.ToArray());
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Discord's check: the signature (hex) over UTF-8 timestamp followed by the raw body bytes.</summary>
    public static bool VerifyDiscordRequest(string publicKeyHex, string? timestamp, ReadOnlySpan<byte> rawBody, string? signatureHex)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHex) || signatureHex.Length != 128)
        {
            return false;
        }

        byte[] key, signature;
        try
        {
            key = Convert.FromHexString(publicKeyHex);
            signature = Convert.FromHexString(signatureHex);
        }
        catch (FormatException)
        {
            return false;
        }

        var ts = Encoding.UTF8.GetBytes(timestamp);
        var message = new byte[ts.Length + rawBody.Length];
        ts.CopyTo(message, 0);
        rawBody.CopyTo(message.AsSpan(ts.Length));
        return Verify(key, message, signature);
    }
}
