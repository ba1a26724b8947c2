using HaSystem.ApiService.Identity;
using HaSystem.ApiService.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace HaSystem.ApiService.Tests;

/// <summary>The password check does the same work for a user that does not exist, so timing cannot tell which users exist.</summary>
public sealed class CredentialCheckTests
{
    private static readonly CatalogUser Known = new() { TenantId = "acme", UserName = "user@acme", Role = "user", PasswordHash = "" };

    // Guards finding 2's timing leak: an unknown user used to skip the hash and answer in microseconds.
    [Fact]
    public async Task An_unknown_user_costs_one_hash_like_a_wrong_password()
    {
        var hasher = new CountingHasher();
        using var check = new CredentialCheck(hasher);
        Known.PasswordHash = hasher.HashPassword(Known, "right-password");
        hasher.Verifications = 0;

        Assert.False(await check.VerifyAsync(null, "anything", CancellationToken.None));
        Assert.Equal(1, hasher.Verifications);
        Assert.False(await check.VerifyAsync(Known, "wrong-password", CancellationToken.None));
        Assert.Equal(2, hasher.Verifications);
        Assert.True(await check.VerifyAsync(Known, "right-password", CancellationToken.None));
    }

    // Guards against the dummy hash letting someone in: no password verifies for a user that does not exist.
    [Fact]
    public async Task No_password_signs_in_a_user_that_does_not_exist()
    {
        using var check = new CredentialCheck(new PasswordHasher<CatalogUser>());
        Assert.False(await check.VerifyAsync(null, "", CancellationToken.None));
        Assert.False(await check.VerifyAsync(null, "password", CancellationToken.None));
    }

    // Guards the replica against a burst of sign-ins holding every core and thread-pool thread with PBKDF2, which made
    // its own sign-in throttle miss its Redis timeout and fall back to per-replica counting.
    [Fact]
    public async Task At_most_one_check_per_core_runs_at_once_and_the_others_wait_their_turn()
    {
        var hasher = new BlockingHasher();
        using var check = new CredentialCheck(hasher);
        var checks = Enumerable.Range(0, 3 * Environment.ProcessorCount)
            .Select(_ => Task.Run(() => check.VerifyAsync(null, "guess", CancellationToken.None)))
            .ToArray();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Volatile.Read(ref hasher.Running) < Environment.ProcessorCount)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Only {hasher.Running} checks started.");
            await Task.Delay(10);
        }

        Assert.Equal(Environment.ProcessorCount, Volatile.Read(ref hasher.Running));
        hasher.Gate.Set();
        Assert.All(await Task.WhenAll(checks), Assert.False);
        Assert.Equal(Environment.ProcessorCount, hasher.MostAtOnce);
    }

    private sealed class BlockingHasher : IPasswordHasher<CatalogUser>
    {
        private readonly Lock _gate = new();

        public int Running;

        public int MostAtOnce { get; private set; }

        public ManualResetEventSlim Gate { get; } = new();

        public string HashPassword(CatalogUser user, string password) => "hash";

        public PasswordVerificationResult VerifyHashedPassword(CatalogUser user, string hashedPassword, string providedPassword)
        {
            var now = Interlocked.Increment(ref Running);
            lock (_gate)
            {
                MostAtOnce = Math.Max(MostAtOnce, now);
            }

            Gate.Wait(TimeSpan.FromSeconds(30));
            Interlocked.Decrement(ref Running);
            return PasswordVerificationResult.Failed;
        }
    }

    private sealed class CountingHasher : IPasswordHasher<CatalogUser>
    {
        private readonly PasswordHasher<CatalogUser> _inner = new();

        public int Verifications { get; set; }

        public string HashPassword(CatalogUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(CatalogUser user, string hashedPassword, string providedPassword)
        {
            Verifications++;
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
