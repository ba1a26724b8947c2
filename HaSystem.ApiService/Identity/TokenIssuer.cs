using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using HaSystem.ApiService.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace HaSystem.ApiService.Identity;

/// <summary>Signs short-lived bearer tokens carrying the user's tenant and role.</summary>
public sealed class TokenIssuer(IOptions<JwtOptions> options, TimeProvider time)
{
    public static SymmetricSecurityKey KeyFrom(JwtOptions options) => new(Encoding.UTF8.GetBytes(options.SigningKey));

    public IssuedToken Issue(CatalogUser user) =>
        Issue([
            new Claim(JwtRegisteredClaimNames.Sub, user.UserName),
            new Claim(CurrentTenant.ClaimType, user.TenantId),
            new Claim(ClaimTypes.Role, user.Role),
        ]);

    /// <summary>
    /// A token for a client acting as itself (the worker, the operator): its role from
    /// <see cref="ServiceClientOptions.RoleOf"/> and no tenant, so tenant endpoints refuse it.
    /// </summary>
    public IssuedToken IssueService(string clientId) =>
        Issue([new Claim(JwtRegisteredClaimNames.Sub, clientId), new Claim(ClaimTypes.Role, ServiceClientOptions.RoleOf(clientId))]);

    private IssuedToken Issue(Claim[] claims)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var expires = now + settings.Lifetime;
        var token = new JwtSecurityToken(
            issuer: settings.Issuer,
            audience: settings.Audience,
            claims: claims,
            notBefore: now.UtcDateTime,
            expires: expires.UtcDateTime,
            signingCredentials: new SigningCredentials(KeyFrom(settings), SecurityAlgorithms.HmacSha256));
        return new IssuedToken(new JwtSecurityTokenHandler().WriteToken(token), "Bearer", (int)settings.Lifetime.TotalSeconds);
    }
}
