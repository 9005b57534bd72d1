using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Advisor.Discord.Interactions;

/// <summary>
/// Ed25519 (RFC 8032) verification against one public key, parsed once; BouncyCastle does the maths (the .NET 10 BCL
/// has no standalone Ed25519). A missing or malformed key verifies nothing.
/// </summary>
internal sealed class Ed25519Verifier
{
    private readonly Ed25519PublicKeyParameters? _key;

    private Ed25519Verifier(Ed25519PublicKeyParameters? key) => _key = key;

    public static Ed25519Verifier FromBytes(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != Ed25519PublicKeyParameters.KeySize)
        {
            return new Ed25519Verifier(null);
        }

        try
        {
            return new Ed25519Verifier(new Ed25519PublicKeyParameters(publicKey));
        }
        catch (ArgumentException)
        {
            return new Ed25519Verifier(null);
        }
    }

    /// <summary>The application's Public Key as shown in the Developer Portal (64 hex characters).</summary>
    public static Ed25519Verifier FromHex(string? publicKeyHex)
    {
        if (string.IsNullOrEmpty(publicKeyHex))
        {
            return new Ed25519Verifier(null);
        }

        try
        {
            return FromBytes(Convert.FromHexString(publicKeyHex));
        }
        catch (FormatException)
        {
            return new Ed25519Verifier(null);
        }
    }

    public bool HasKey => _key is not null;

    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (_key is null || signature.Length != 64)
        {
            return false;
        }

        var signer = new Ed25519Signer();
        signer.Init(false, _key);
        signer.BlockUpdate(message);
        return signer.VerifySignature(signature.ToArray());
    }

    /// <summary>Discord's check: the signature (hex) over UTF-8 timestamp followed by the raw body bytes.</summary>
    public bool VerifyDiscordRequest(string? timestamp, ReadOnlySpan<byte> rawBody, string? signatureHex)
    {
        if (_key is null || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHex) || signatureHex.Length != 128)
        {
            return false;
        }

        byte[] signature;
        try
        {
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
        return Verify(message, signature);
    }
}
