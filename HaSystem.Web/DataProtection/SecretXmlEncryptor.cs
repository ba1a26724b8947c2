using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace HaSystem.Web.DataProtection;

/// <summary>Encrypts each Data Protection key's XML with <see cref="KeyRingCipher"/> before it is stored.</summary>
public sealed class SecretXmlEncryptor(KeyRingCipher cipher) : IXmlEncryptor
{
    public const string ElementName = "encryptedWithSecret";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var encrypted = new XElement(ElementName, new XAttribute("keyId", cipher.KeyId), Convert.ToBase64String(cipher.Encrypt(plaintext)));
        return new EncryptedXmlInfo(encrypted, typeof(SecretXmlDecryptor));
    }
}

/// <summary>
/// Decrypts what <see cref="SecretXmlEncryptor"/> wrote. Data Protection creates it by type, from the services, so it
/// finds the cipher there.
/// </summary>
public sealed class SecretXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var cipher = services.GetRequiredService<KeyRingCipher>();
        var keyId = encryptedElement.Attribute("keyId")?.Value;
        if (keyId != cipher.KeyId)
        {
            throw new System.Security.Cryptography.CryptographicException(
                $"This key was encrypted under another key-ring secret (key id {keyId}, this replica has {cipher.KeyId}).");
        }

        return XElement.Parse(Encoding.UTF8.GetString(cipher.Decrypt(Convert.FromBase64String(encryptedElement.Value))));
    }
}
