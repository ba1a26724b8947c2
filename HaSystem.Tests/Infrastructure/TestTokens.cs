using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace HaSystem.Tests.Infrastructure;

/// <summary>Hand-made HS256 JWTs, to prove the API rejects expired, forged and malformed tokens.</summary>
public static class TestTokens
{
    public static string Create(string signingKey, string tenant, string role = "admin", DateTimeOffset? expires = null, string issuer = "hasystem-api", string audience = "hasystem")
    {
        var now = DateTimeOffset.UtcNow;
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = $"{role}@{tenant}",
            ["tenant_id"] = tenant,
            ["http://schemas.microsoft.com/ws/2008/06/identity/claims/role"] = role,
            ["iss"] = issuer,
            ["aud"] = audience,
            ["nbf"] = now.AddMinutes(-30).ToUnixTimeSeconds(),
            ["exp"] = (expires ?? now.AddMinutes(10)).ToUnixTimeSeconds(),
        }));
        var signature = Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }

    /// <summary>A token with no tenant, as the worker's and the operator's are, carrying <paramref name="role"/>.</summary>
    public static string CreateWithoutTenant(string signingKey, string role, string algorithm = "HS256")
    {
        var now = DateTimeOffset.UtcNow;
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = algorithm, typ = "JWT" }));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = role,
            ["http://schemas.microsoft.com/ws/2008/06/identity/claims/role"] = role,
            ["iss"] = "hasystem-api",
            ["aud"] = "hasystem",
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        }));
        var signature = algorithm == "none" ? "" : Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
