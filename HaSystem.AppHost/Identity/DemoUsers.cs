using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// The demo users the API seeds (<c>{role}@{tenant}</c>), each with a password of its own: a generated secret
/// parameter per user, shown in the dashboard under its name (<see cref="ParameterNameOf"/>). One shared password
/// would make whoever knows one tenant's password an admin of the other.
/// </summary>
public static class DemoUsers
{
    // The API seeds the same tenants and roles (CatalogSeed); it refuses to start if one of them has no password.
    public static readonly IReadOnlyList<string> Tenants = ["acme", "globex"];

    public static readonly IReadOnlyList<string> Roles = ["user", "admin"];

    public static IEnumerable<string> UserNames => Tenants.SelectMany(tenant => Roles.Select(role => $"{role}@{tenant}"));

    /// <summary><c>admin@acme</c> → <c>demo-password-admin-acme</c>.</summary>
    public static string ParameterNameOf(string userName) => "demo-password-" + userName.Replace('@', '-');

    /// <summary>
    /// One generated secret parameter per demo user, passed to the API as <c>Demo__Passwords__{tenant}__{role}</c>; set
    /// <c>Parameters:demo-password-{role}-{tenant}</c> in the AppHost's user secrets to choose one.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDemoUserPasswords(this IResourceBuilder<ProjectResource> api)
    {
        foreach (var userName in UserNames)
        {
            var password = api.ApplicationBuilder.AddGeneratedSecret(ParameterNameOf(userName), minLength: 20);
            var (role, tenant) = (userName[..userName.IndexOf('@', StringComparison.Ordinal)], userName[(userName.IndexOf('@', StringComparison.Ordinal) + 1)..]);
            api.WithEnvironment($"Demo__Passwords__{tenant}__{role}", password);
        }

        return api;
    }
}
