using System.ComponentModel.DataAnnotations;
using HaSystem.ApiService.Infrastructure;

namespace HaSystem.ApiService.Tests;

/// <summary>The API refuses to start with demo users that share a password or have a short one.</summary>
public sealed class DemoUserOptionsTests
{
    // Guards finding 1: one password for every demo user made one tenant's admin an admin of the other.
    [Fact]
    public void Users_sharing_a_password_are_refused()
    {
        var options = new DemoUserOptions
        {
            Passwords = new()
            {
                ["acme"] = new() { ["admin"] = "same-password-123", ["user"] = "acme-user-password" },
                ["globex"] = new() { ["admin"] = "same-password-123", ["user"] = "globex-user-password" },
            },
        };
        var errors = options.Validate(new ValidationContext(options)).ToList();
        var error = Assert.Single(errors);
        Assert.Contains("admin@acme, admin@globex share a password", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_password_or_a_missing_one_is_refused_with_the_parameter_to_set()
    {
        var options = new DemoUserOptions { Passwords = new() { ["acme"] = new() { ["admin"] = "short" } } };
        Assert.Contains(options.Validate(new ValidationContext(options)), e => e.ErrorMessage!.Contains("admin@acme must have at least", StringComparison.Ordinal));
        var missing = Assert.Throws<InvalidOperationException>(() => options.PasswordOf("globex", "user"));
        Assert.Contains("demo-password-user-globex", missing.Message, StringComparison.Ordinal);
    }
}
