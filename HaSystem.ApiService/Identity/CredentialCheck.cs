using HaSystem.ApiService.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace HaSystem.ApiService.Identity;

/// <summary>
/// Checks a password against a user's hash, and runs the same hash for a user that does not exist, against a dummy
/// hash made at start: otherwise an unknown name answers in microseconds and a known one after a PBKDF2 hash, and the
/// timing alone tells an attacker which users exist.
/// </summary>
public sealed class CredentialCheck(IPasswordHasher<CatalogUser> hasher)
{
    private static readonly CatalogUser Nobody = new() { TenantId = "", UserName = "", Role = "", PasswordHash = "" };

    private readonly string _dummyHash = hasher.HashPassword(Nobody, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));

    public bool Verify(CatalogUser? user, string password)
    {
        var result = hasher.VerifyHashedPassword(user ?? Nobody, user?.PasswordHash ?? _dummyHash, password);
        return user is not null && result != PasswordVerificationResult.Failed;
    }
}
