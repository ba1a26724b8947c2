using System.Net;
using System.Net.Http.Json;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Security;

/// <summary>Every demo user signs in with a password of its own: no password opens another user, least of all another tenant's admin.</summary>
[Collection(SharedRunningSystem.Name)]
public sealed class DemoUserPasswordTests(RunningSystemFixture fixture)
{
    // Guards finding 1 of the security review: with one shared demo password, admin@acme's password made anyone an
    // admin of globex. Every user's password is tried on every other user; each must be refused.
    [Fact(Timeout = 120_000)]
    public async Task No_users_password_signs_in_another_user_of_either_tenant()
    {
        var users = DemoUsers.UserNames.ToArray();
        var passwords = new Dictionary<string, string>();
        foreach (var user in users)
        {
            passwords[user] = await fixture.Api.PasswordOfAsync(user);
        }

        Assert.Equal(users.Length, passwords.Values.Distinct(StringComparer.Ordinal).Count());
        using var http = fixture.System.CreateSpreadingClient("apiservice", TimeSpan.FromSeconds(10));
        foreach (var user in users)
        {
            foreach (var owner in users.Where(u => u != user))
            {
                using var response = await http.PostAsJsonAsync("/api/auth/token", new { userName = user, password = passwords[owner] });
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized,
                    $"{user} with {owner}'s password: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            using var own = await http.PostAsJsonAsync("/api/auth/token", new { userName = user, password = passwords[user] });
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }
    }
}
