using HaSystem.ApiService.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace HaSystem.ApiService.Identity;

/// <summary>
/// Checks a password against a user's hash, and runs the same hash for a user that does not exist, against a dummy
/// hash made at start: otherwise an unknown name answers in microseconds and a known one after a PBKDF2 hash, and the
/// timing alone tells an attacker which users exist.
/// </summary>
/// <remarks>
/// The checks take turns, one per core at a time; the others wait without holding a thread. PBKDF2 is CPU-bound by
/// design: unbounded, a burst of sign-ins held every thread and core of the replica, the replies its own sign-in
/// throttle waited for from Redis missed their timeout, and the throttle fell back to per-replica counting exactly when
/// the burst made it matter (CI: 52 password checks for a per-address limit of 30).
/// </remarks>
public sealed class CredentialCheck(IPasswordHasher<CatalogUser> hasher) : IDisposable
{
    private static readonly CatalogUser Nobody = new() { TenantId = "", UserName = "", Role = "", PasswordHash = "" };

    private readonly string _dummyHash = hasher.HashPassword(Nobody, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
    private readonly SemaphoreSlim _turns = new(Environment.ProcessorCount, Environment.ProcessorCount);

    /// <summary>Whether <paramref name="user"/> exists and <paramref name="password"/> is theirs, after the same work either way.</summary>
    public async Task<bool> VerifyAsync(CatalogUser? user, string password, CancellationToken cancellationToken)
    {
        await _turns.WaitAsync(cancellationToken);
        try
        {
            var result = hasher.VerifyHashedPassword(user ?? Nobody, user?.PasswordHash ?? _dummyHash, password);
            return user is not null && result != PasswordVerificationResult.Failed;
        }
        finally
        {
            _turns.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _turns.Dispose();
}
