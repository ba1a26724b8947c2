using System.ComponentModel.DataAnnotations;

namespace HaSystem.ApiService.Identity;

/// <summary>Bound from <c>Jwt</c>. The signing key comes from the AppHost's <c>jwt-signing-key</c> secret parameter.</summary>
public sealed class JwtOptions
{
    public const string SectionName = "Jwt";

    [Required]
    public string Issuer { get; set; } = "hasystem-api";

    [Required]
    public string Audience { get; set; } = "hasystem";

    /// <summary>HMAC-SHA256 key; at least 32 characters.</summary>
    [Required, MinLength(32)]
    public string SigningKey { get; set; } = "";

    /// <summary>How long a token lives: short, because it cannot be revoked.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "12:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(15);
}
