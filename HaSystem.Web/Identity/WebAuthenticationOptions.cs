using System.ComponentModel.DataAnnotations;
using HaSystem.Coordination.Redis;

namespace HaSystem.Web.Identity;

/// <summary>Bound from <c>Web:Authentication</c>.</summary>
public sealed class WebAuthenticationOptions
{
    public const string SectionName = "Web:Authentication";

    [Required, RegularExpression("^[A-Za-z0-9._-]+$")]
    public string CookieName { get; set; } = ".HaSystem.Auth";

    /// <summary>The prefix of the API tokens kept in the <c>state</c> role.</summary>
    [Required]
    public string TokenKeyPrefix { get; set; } = RedisKeyspace.WebApiTokens;
}
