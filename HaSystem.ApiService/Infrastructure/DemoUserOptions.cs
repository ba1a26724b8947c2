using System.ComponentModel.DataAnnotations;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// Bound from <c>Demo</c>: the password of each seeded demo user, <c>Demo:Passwords:{tenant}:{role}</c>, each from an
/// AppHost secret parameter of its own (<c>demo-password-{role}-{tenant}</c>). No two users share one, so knowing one
/// tenant's password opens nothing in another.
/// </summary>
public sealed class DemoUserOptions : IValidatableObject
{
    public const string SectionName = "Demo";

    public const int MinimumPasswordLength = 12;

    public Dictionary<string, Dictionary<string, string>> Passwords { get; set; } = [];

    public string PasswordOf(string tenant, string role) =>
        Passwords.GetValueOrDefault(tenant)?.GetValueOrDefault(role)
        ?? throw new InvalidOperationException($"Demo:Passwords:{tenant}:{role} is missing: the AppHost provides it from its demo-password-{role}-{tenant} parameter.");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var all = Passwords.SelectMany(t => t.Value.Select(r => (User: $"{r.Key}@{t.Key}", Password: r.Value))).ToList();
        foreach (var (user, _) in all.Where(u => u.Password.Length < MinimumPasswordLength))
        {
            yield return new ValidationResult($"The demo password of {user} must have at least {MinimumPasswordLength} characters.", [nameof(Passwords)]);
        }

        foreach (var shared in all.GroupBy(u => u.Password, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"The demo users {string.Join(", ", shared.Select(u => u.User))} share a password; each needs its own.", [nameof(Passwords)]);
        }
    }
}
