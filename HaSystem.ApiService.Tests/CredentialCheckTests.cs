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
    public void An_unknown_user_costs_one_hash_like_a_wrong_password()
    {
        var hasher = new CountingHasher();
        var check = new CredentialCheck(hasher);
        Known.PasswordHash = hasher.HashPassword(Known, "right-password");
        hasher.Verifications = 0;

        Assert.False(check.Verify(null, "anything"));
        Assert.Equal(1, hasher.Verifications);
        Assert.False(check.Verify(Known, "wrong-password"));
        Assert.Equal(2, hasher.Verifications);
        Assert.True(check.Verify(Known, "right-password"));
    }

    // Guards against the dummy hash letting someone in: no password verifies for a user that does not exist.
    [Fact]
    public void No_password_signs_in_a_user_that_does_not_exist()
    {
        var check = new CredentialCheck(new PasswordHasher<CatalogUser>());
        Assert.False(check.Verify(null, ""));
        Assert.False(check.Verify(null, "password"));
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
