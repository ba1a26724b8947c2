using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace HaSystem.Testing;

/// <summary>
/// The ASP.NET Core development certificate the web front end serves its HTTPS endpoint with. It is self-signed, so a
/// test trusts it as a developer's browser does once told to: this certificate, on loopback, and no other.
/// </summary>
public static class DevelopmentCertificate
{
    // The extension `dotnet dev-certs https` marks its certificate with.
    private const string AspNetHttpsOid = "1.3.6.1.4.1.311.84.1.1";

    /// <summary>Accepts the server's certificate only when it is the ASP.NET Core development certificate for localhost.</summary>
    public static bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        errors == SslPolicyErrors.None
        || (certificate is not null && IsDevelopmentCertificate(new X509Certificate2(certificate)));

    private static bool IsDevelopmentCertificate(X509Certificate2 certificate) =>
        certificate.Extensions.Any(e => e.Oid?.Value == AspNetHttpsOid)
        && certificate.GetNameInfo(X509NameType.DnsName, forIssuer: false) == "localhost";
}
