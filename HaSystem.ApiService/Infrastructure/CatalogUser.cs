namespace HaSystem.ApiService.Infrastructure;

/// <summary>A demo user who can exchange credentials for a token. The password is stored hashed (PBKDF2).</summary>
public sealed class CatalogUser
{
    public int Id { get; set; }

    public required string TenantId { get; set; }

    /// <summary>Unique across tenants, e.g. <c>admin@acme</c>.</summary>
    public required string UserName { get; set; }

    public required string PasswordHash { get; set; }

    public required string Role { get; set; }
}
