using System.Security.Cryptography;
using System.Text;

namespace HaSystem.Web.DataProtection;

/// <summary>
/// AES-256-GCM with a key derived (HKDF-SHA256) from the key-ring secret: what the Data Protection keys are encrypted
/// with before they reach Redis or the mirror file. Anyone who can read <c>state</c> or the file without the secret
/// gets ciphertext, not the keys that decrypt every cookie.
/// </summary>
public sealed class KeyRingCipher
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Purpose = "HaSystem.Web key ring at rest"u8.ToArray();

    private readonly byte[] _key;

    public KeyRingCipher(string secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, salt: [], info: Purpose);
        KeyId = Convert.ToHexStringLower(SHA256.HashData(_key))[..16];
    }

    /// <summary>Names the key (not the secret), so a ring encrypted under another secret says so instead of failing vaguely.</summary>
    public string KeyId { get; }

    public byte[] Encrypt(byte[] plaintext)
    {
        var sealedBox = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedBox.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedBox.AsSpan(NonceSize, plaintext.Length), sealedBox.AsSpan(NonceSize + plaintext.Length), Purpose);
        return sealedBox;
    }

    /// <exception cref="CryptographicException">The data was changed, or encrypted under another secret.</exception>
    public byte[] Decrypt(byte[] sealedBox)
    {
        if (sealedBox.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The encrypted key is too short.");
        }

        var plaintext = new byte[sealedBox.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedBox.AsSpan(0, NonceSize), sealedBox.AsSpan(NonceSize, plaintext.Length), sealedBox.AsSpan(NonceSize + plaintext.Length), plaintext, Purpose);
        return plaintext;
    }
}
