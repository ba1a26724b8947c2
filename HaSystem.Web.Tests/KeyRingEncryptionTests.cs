using System.Security.Cryptography;
using System.Xml.Linq;
using HaSystem.Web.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace HaSystem.Web.Tests;

/// <summary>The Data Protection keys are stored encrypted with the key-ring secret, and only that secret reads them back.</summary>
public sealed class KeyRingEncryptionTests
{
    private static readonly XElement Key = XElement.Parse(
        "<descriptor><encryption algorithm=\"AES_256_CBC\" /><masterKey><value>c2VjcmV0LWtleS1tYXRlcmlhbA==</value></masterKey></descriptor>");

    // Guards finding 9: the key ring, which decrypts every cookie, was stored in plain text in Redis and in its mirror.
    [Fact]
    public void A_key_is_stored_without_its_material_and_read_back_with_the_same_secret()
    {
        var cipher = new KeyRingCipher(new string('s', 48));
        var stored = new SecretXmlEncryptor(cipher).Encrypt(Key);

        Assert.DoesNotContain("c2VjcmV0", stored.EncryptedElement.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("masterKey", stored.EncryptedElement.ToString(), StringComparison.Ordinal);
        Assert.Equal(typeof(SecretXmlDecryptor), stored.DecryptorType);

        var decryptor = new SecretXmlDecryptor(new ServiceCollection().AddSingleton(cipher).BuildServiceProvider());
        Assert.Equal(Key.ToString(), decryptor.Decrypt(stored.EncryptedElement).ToString());
    }

    [Fact]
    public void Another_secret_or_a_changed_ciphertext_reads_nothing()
    {
        var stored = new SecretXmlEncryptor(new KeyRingCipher(new string('s', 48))).Encrypt(Key).EncryptedElement;
        var other = new SecretXmlDecryptor(new ServiceCollection().AddSingleton(new KeyRingCipher(new string('t', 48))).BuildServiceProvider());
        Assert.Throws<CryptographicException>(() => other.Decrypt(stored));

        var same = new KeyRingCipher(new string('s', 48));
        var bytes = Convert.FromBase64String(stored.Value);
        bytes[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => same.Decrypt(bytes));
    }
}
